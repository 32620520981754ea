from django.contrib.auth.models import Group, Permission

from cockpit.roles import ADMIN_MANAGED_APPS, Role


def grant_admin_role_permissions(**kwargs) -> None:
    """Give the admin group every permission on the product's models.

    Runs after each migrate, so models added later are covered without a data migration
    per model. Idempotent.
    """
    group = Group.objects.filter(name=Role.ADMIN).first()
    if group is None:
        return
    permissions = Permission.objects.filter(content_type__app_label__in=ADMIN_MANAGED_APPS)
    group.permissions.add(*permissions)
