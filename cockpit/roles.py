"""The three roles of the product, kept as Django groups.

Sales reps work on their own customers; managers see everything and the cockpit; admins
configure (settings pages and the Django admin). Superusers count as admins.
"""

from functools import wraps

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SALES_REP = "Sales rep", _("Sales rep")
    MANAGER = "Manager", _("Manager")
    ADMIN = "Admin", _("Admin")


# Apps whose models the admin role may manage in the Django admin.
ADMIN_MANAGED_APPS = ("customers", "alerts", "agenda", "cockpit", "auth", "auditlog", "authtoken")


def _group_names(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and (user.is_superuser or Role.ADMIN in _group_names(user))


def is_manager(user: AbstractBaseUser | AnonymousUser) -> bool:
    return Role.MANAGER in _group_names(user) or is_admin(user)


def sees_all_customers(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Managers and admins see the whole book; everybody else only their own customers."""
    return is_manager(user)


def require_manager(user: AbstractBaseUser | AnonymousUser) -> None:
    """403 for everybody but managers and admins."""
    if not is_manager(user):
        raise PermissionDenied(_("This page is for managers and admins."))


def admin_only(view):
    """A settings page: 403 for everybody but admins."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_admin(request.user):
            raise PermissionDenied(_("This page is for admins."))
        return view(request, *args, **kwargs)

    return wrapped
