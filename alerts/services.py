"""What people do with an alert: acknowledge it, snooze it. Each an AlertEvent."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.choices import AlertState, EventKind
from alerts.models import Alert, AlertEvent

MAX_SNOOZE_DAYS = 365


def _record(alert: Alert, kind: str, user, note: str = "") -> AlertEvent:
    return AlertEvent.objects.create(
        alert=alert,
        kind=kind,
        level_before=alert.level,
        level_after=alert.level,
        kpi_value=alert.kpi_value,
        bound=alert.bound,
        user=user,
        note=note,
        created_at=timezone.now(),
    )


def _change(alert: Alert, state: str, snoozed_until, kind: str, user, note: str) -> Alert:
    """Lock the alert, refuse a resolved one, set its state and record the event."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.state == AlertState.RESOLVED:
        raise ValidationError(_("This alert is resolved already."))
    alert.state = state
    alert.snoozed_until = snoozed_until
    alert.changed_at = timezone.now()
    alert.save(update_fields=["state", "snoozed_until", "changed_at"])
    _record(alert, kind, user, note)
    return alert


@transaction.atomic
def acknowledge(alert: Alert, user, note: str = "") -> Alert:
    """Acknowledging an acknowledged alert again changes nothing (a double click, a retried
    API call), unless it brings a new note."""
    current = Alert.objects.select_for_update().get(pk=alert.pk)
    if current.state == AlertState.ACKNOWLEDGED:
        last = (
            current.events.filter(kind=EventKind.ACKNOWLEDGED)
            .order_by("-created_at", "-id")
            .first()
        )
        if not note or (last is not None and last.note == note):
            return current
    return _change(current, AlertState.ACKNOWLEDGED, None, EventKind.ACKNOWLEDGED, user, note)


@transaction.atomic
def snooze(alert: Alert, user, until: dt.date, reason: str) -> Alert:
    today = timezone.localdate()
    if until <= today:
        raise ValidationError({"until": _("Snooze until a day in the future.")})
    if until > today + dt.timedelta(days=MAX_SNOOZE_DAYS):
        raise ValidationError({"until": _("Snooze for a year at most: resolve the alert instead.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the alert can wait.")})
    return _change(alert, AlertState.SNOOZED, until, EventKind.SNOOZED, user, reason.strip())


@transaction.atomic
def resolve(alert: Alert, user, note: str = "") -> Alert:
    """Close the alert by hand (the cause is dealt with). If the KPI is still out of band
    at the next evaluation, a new alert opens."""
    from alerts.colours import refresh_alert_ranks

    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.state == AlertState.RESOLVED:
        raise ValidationError(_("This alert is resolved already."))
    now = timezone.now()
    alert.state = AlertState.RESOLVED
    alert.resolved_at = now
    alert.changed_at = now
    alert.snoozed_until = None
    alert.save(update_fields=["state", "resolved_at", "changed_at", "snoozed_until"])
    _record(alert, EventKind.RESOLVED_BY_HAND, user, note)
    refresh_alert_ranks([alert.customer_id])
    return alert
