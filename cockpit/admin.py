from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from cockpit.models import UserProfile
from cockpit.people import name_people


class UserProfileInline(admin.StackedInline):
    model = UserProfile
    fk_name = "user"
    can_delete = False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "manager":
            name_people(field)  # by full names, as everywhere else
        return field


class CockpitUserAdmin(UserAdmin):
    inlines = [UserProfileInline]


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), CockpitUserAdmin)
