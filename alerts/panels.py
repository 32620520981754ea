from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone

from alerts.choices import LEVEL_RANK, Level
from alerts.forms import snooze_form
from alerts.models import Alert, AlertEvent
from customers.panels import RecordPanel


def alert_colour(alerts: list[Alert]) -> str:
    """A customer's alert colour: its worst unresolved alert, green if none."""
    return max((a.level for a in alerts), key=LEVEL_RANK.__getitem__, default=Level.GREEN)


def open_alerts(request: HttpRequest, customer) -> RecordPanel:
    alerts = list(
        Alert.objects.unresolved()
        .filter(customer=customer)
        .select_related("rule")
        .prefetch_related(Prefetch("events", queryset=AlertEvent.objects.select_related("user")))
        .order_by("-level", "opened_at")
    )
    alerts.sort(key=lambda a: (-LEVEL_RANK[a.level], a.opened_at))
    for alert in alerts:  # one form each, so every label points at its own field
        alert.snooze_form = snooze_form(request, alert)
    today = timezone.localdate()
    return RecordPanel(
        template="alerts/_record_panel.html",
        badge_template="alerts/_record_badge.html",
        context={
            "alerts": alerts,
            "alert_colour": alert_colour(alerts),
            "today": today,
            # Templates other apps show under each alert (the agenda: its tasks).
            "extras": settings.ALERT_PANEL_EXTRAS,
        },
    )
