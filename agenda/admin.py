from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agenda.models import (
    ActionPlan,
    ContactCadence,
    Sequence,
    SequenceEnrollment,
    SequenceStep,
    Task,
)


@admin.register(ContactCadence)
class ContactCadenceAdmin(admin.ModelAdmin):
    list_display = ["name", "scope", "interval_days", "in_person", "active"]
    list_editable = ["interval_days", "in_person", "active"]
    list_filter = ["active", "in_person", "value_class", "industry"]
    fieldsets = [
        (None, {"fields": ["name", "interval_days", "in_person", "active"]}),
        (
            _("Applies to (empty: every customer)"),
            {"fields": ["value_class", "segment", "industry"]},
        ),
    ]

    @admin.display(description=_("applies to"))
    def scope(self, cadence: ContactCadence) -> str:
        return cadence.scope_label()


class SequenceStepInline(admin.TabularInline):
    model = SequenceStep
    extra = 1


@admin.register(Sequence)
class SequenceAdmin(admin.ModelAdmin):
    list_display = ["name", "phase", "active"]
    list_filter = ["active", "phase"]
    inlines = [SequenceStepInline]


@admin.register(SequenceEnrollment)
class SequenceEnrollmentAdmin(admin.ModelAdmin):
    list_display = ["sequence", "customer", "started_on", "status", "left_phase_on"]
    list_filter = ["sequence", "status"]
    search_fields = ["customer__name", "customer__number"]
    raw_id_fields = ["customer"]


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ["goal", "customer", "responsible", "review_on", "status"]
    list_filter = ["status"]
    search_fields = ["goal", "customer__name", "customer__number"]
    raw_id_fields = ["customer"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["__str__", "assignee", "due_on", "kind", "origin", "status"]
    list_filter = ["status", "origin", "kind"]
    search_fields = ["title", "customer__name", "customer__number"]
    raw_id_fields = ["customer", "contact", "alert", "plan", "enrollment", "interaction"]
    date_hierarchy = "due_on"
