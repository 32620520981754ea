from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from customers.kpis.engine import segment_cells
from customers.models import (
    Contact,
    Customer,
    DataRightsRequest,
    Interaction,
    PredictiveModel,
    RFMSegment,
    Transaction,
)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "role", "email", "phone", "is_primary", "contact_opt_out"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "kind", "industry", "owner", "customer_since"]
    list_filter = ["kind", "industry", "owner", "contact_opt_out"]
    search_fields = ["number", "name"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    inlines = [ContactInline]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "customer", "role", "email", "phone", "is_primary"]
    list_filter = ["is_primary", "contact_opt_out"]
    search_fields = ["name", "email", "customer__name", "customer__number"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "customer", "channel", "direction", "kind", "rating", "user"]
    list_filter = ["channel", "direction", "kind", "rating"]
    search_fields = ["customer__name", "customer__number", "summary"]
    list_select_related = ["customer", "user"]
    raw_id_fields = ["customer", "contact"]
    date_hierarchy = "occurred_at"


@admin.register(Transaction)
class TransactionAdmin(admin.ModelAdmin):
    list_display = ["occurred_on", "customer", "kind", "amount", "currency", "source", "paid_on"]
    list_filter = ["kind", "source", "currency"]
    search_fields = ["customer__name", "customer__number", "external_ref"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]
    date_hierarchy = "occurred_on"


@admin.register(PredictiveModel)
class PredictiveModelAdmin(admin.ModelAdmin):
    """Fits are written by the KPI runs; the admin reads them (also on /kpis/model/)."""

    list_display = ["as_of", "status", "repeat_customers", "shown_log_likelihood", "fitted_at"]
    list_filter = ["status"]

    @admin.display(description=_("log-likelihood"), ordering="log_likelihood")
    def shown_log_likelihood(self, model: PredictiveModel) -> str:
        if model.log_likelihood is None:
            return "—"
        return formats.number_format(model.log_likelihood, 2, force_grouping=True)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DataRightsRequest)
class DataRightsRequestAdmin(admin.ModelAdmin):
    """The log of personal-data exports and erasures: read only, kept as written."""

    list_display = ["created_at", "action", "subject", "customer", "user"]
    list_filter = ["action"]
    search_fields = ["subject", "customer__number", "user__username"]
    list_select_related = ["customer", "user"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def segment_grid() -> list[dict]:
    """The R x F grid as the engine reads the map (customers.kpis.engine.segment_cells):
    per R score, 5 on top, the segment of each F score; None where no segment covers it."""
    cells = segment_cells()
    segments = RFMSegment.objects.in_bulk(set(cells.values()))
    return [
        {"r": r, "cells": [segments.get(cells.get(r * 10 + f)) for f in range(1, 6)]}
        for r in range(5, 0, -1)
    ]


@admin.register(RFMSegment)
class RFMSegmentAdmin(admin.ModelAdmin):
    """The segment map. Saving it re-segments every customer under the last run's cuts and
    evaluates the alerts again, in the background."""

    change_list_template = "admin/customers/rfmsegment/change_list.html"
    list_display = ["name_en", "name_de", "r_min", "r_max", "f_min", "f_max", "priority"]
    list_editable = ["r_min", "r_max", "f_min", "f_max", "priority"]
    ordering = ["priority", "code"]
    fields = [
        "code", "name_en", "name_de", ("r_min", "r_max"), ("f_min", "f_max"), "priority",
        "description", "description_de",
    ]  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: RFMSegment | None = None):
        return ["code"] if obj else []  # rules and reports refer to a segment by its code

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = {
            **(extra_context or {}),
            "segment_grid": segment_grid(),
            "grid_title": _("R x F grid: the segment of each cell"),
        }
        return super().changelist_view(request, extra_context)

    def get_deleted_objects(self, objs, request: HttpRequest):
        """A segment a tolerance rule is limited to stays: deleting it would leave the rule
        limited to nothing, which reads as every customer."""
        from alerts.models import ToleranceRule

        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        rules = ToleranceRule.objects.filter(segments__in=list(objs)).distinct().order_by("name")
        protected = list(protected) + [
            _("Tolerance rule “%(rule)s” is limited to this segment: change its scope first.")
            % {"rule": rule.localized_name}
            for rule in rules
        ]
        return deleted, counts, perms_needed, protected

    def _resegment_after_commit(self, request: HttpRequest) -> None:
        if getattr(request, "_resegment_queued", False):
            return  # one background run for all rows saved by one request
        request._resegment_queued = True
        from customers.tasks import resegment_customers

        transaction.on_commit(resegment_customers.delay)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        self._resegment_after_commit(request)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        self._resegment_after_commit(request)

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        self._resegment_after_commit(request)
