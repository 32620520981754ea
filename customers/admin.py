from django.contrib import admin

from customers.models import Contact, Customer, Interaction, PredictiveModel, Transaction


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

    list_display = ["as_of", "status", "repeat_customers", "log_likelihood", "fitted_at"]
    list_filter = ["status"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
