from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cockpit.roles import is_admin


class AdminRoleLoginForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user) -> None:
        if not (user.is_active and is_admin(user)):
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class CockpitAdminSite(admin.AdminSite):
    """The Django admin, open to the admin role (and superusers), not to reps or managers."""

    site_header = _("Relationship Cockpit administration")
    site_title = _("Relationship Cockpit")
    index_title = _("Settings and data")
    login_form = AdminRoleLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and is_admin(request.user)
