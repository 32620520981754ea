from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from alerts.forms import ToleranceRuleForm
from alerts.models import (
    Alert,
    AlertEvent,
    Notification,
    NotificationStatus,
    ToleranceRule,
    WebhookDelivery,
)
from customers.templatetags.kpis import format_kpi


@admin.register(ToleranceRule)
class ToleranceRuleAdmin(admin.ModelAdmin):
    form = ToleranceRuleForm
    list_display = [
        "shown_name",
        "kpi",
        "direction",
        "yellow_bound",
        "red_bound",
        "escalating",
        "enabled",
    ]
    list_filter = ["enabled", "escalating", "kpi"]
    list_editable = ["yellow_bound", "red_bound", "enabled"]
    search_fields = ["name", "name_de", "guidance", "guidance_de"]
    filter_horizontal = ["segments", "owners"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "name_de",
                    "enabled",
                    "kpi",
                    "direction",
                    "yellow_bound",
                    "red_bound",
                ]
            },
        ),
        (_("Scope"), {"fields": ["value_classes", "segments", "industries", "phases", "owners"]}),
        (
            _("Guidance and recipients"),
            {
                "fields": [
                    "guidance",
                    "guidance_de",
                    "notify_owner",
                    "notify_managers_on_red",
                    "escalating",
                    "extra_recipients",
                    "webhook_url",
                ]
            },
        ),
        (_("Flap guard"), {"fields": ["pending_evaluations", "resolve_after"]}),
    ]

    @admin.display(description=_("name"), ordering="name")
    def shown_name(self, rule: ToleranceRule) -> str:
        return rule.localized_name


class AlertEventInline(admin.TabularInline):
    model = AlertEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "kind", "level_before", "level_after", "kpi_value", "bound",
                       "user", "note"]  # fmt: skip

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["customer", "rule", "level", "state", "shown_kpi_value", "opened_at",
                    "changed_at"]  # fmt: skip
    list_filter = ["level", "state", "rule"]
    search_fields = ["customer__name", "customer__number"]
    list_select_related = ["customer", "rule"]
    raw_id_fields = ["customer"]
    readonly_fields = ["customer", "rule", "level", "kpi_value", "bound", "opened_at",
                       "changed_at", "resolved_at"]  # fmt: skip
    inlines = [AlertEventInline]

    def has_add_permission(self, request) -> bool:
        return False  # alerts come from the evaluation of the rules

    @admin.display(description=_("KPI value"), ordering="kpi_value")
    def shown_kpi_value(self, alert: Alert) -> str:
        return format_kpi(alert.rule.kpi, alert.kpi_value)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "url", "status", "attempts", "error", "retry_after", "sent_at"]
    list_filter = ["status"]
    readonly_fields = ["event", "url", "attempts", "error", "created_at", "sent_at"]

    def has_add_permission(self, request) -> bool:
        return False  # deliveries are queued by alert events


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The alert mail outbox. A mail that failed for good shows here with its error; once
    the mail server works again, "Send again" puts it back in the queue."""

    list_display = ["email", "kind", "status", "attempts", "error", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["email"]
    readonly_fields = [
        "evaluation", "kind", "email", "user", "language", "status", "attempts",
        "retry_after", "error", "created_at", "sent_at",
    ]  # fmt: skip
    exclude = ["events"]
    actions = ["send_again"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Send again"))
    def send_again(self, request, queryset) -> None:
        count = queryset.filter(status=NotificationStatus.FAILED).update(
            status=NotificationStatus.QUEUED, attempts=0, retry_after=None
        )
        self.message_user(
            request,
            ngettext("%(count)d mail queued again.", "%(count)d mails queued again.", count)
            % {"count": count},
        )
