from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "cockpit"
    verbose_name = _("Cockpit")

    def ready(self) -> None:
        from alerts.signals import alerts_evaluated
        from cockpit import (
            checks,  # noqa: F401  (registers the system checks)
            search,  # noqa: F401  (registers the case folding of SQLite)
        )
        from cockpit.permissions import grant_admin_role_permissions
        from cockpit.tasks import refresh_after_evaluation

        alerts_evaluated.connect(refresh_after_evaluation, dispatch_uid="cockpit.portfolio")

        post_migrate.connect(grant_admin_role_permissions, dispatch_uid="cockpit.admin_perms")


class CockpitAdminConfig(AdminConfig):
    default_site = "cockpit.admin_site.CockpitAdminSite"
