"""The escalation ladder: an open alert nobody acknowledged is repeated to the owner after
ALERT_REMIND_AFTER_DAYS, then copied to the owner's manager after
ALERT_COPY_TO_MANAGER_AFTER_DAYS. Each step once per alert (a timestamp on the alert),
each an AlertEvent and an outbox row, in one transaction."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from alerts.choices import AlertState, EventKind
from alerts.models import Alert, AlertEvent, Notification


def _step(now: dt.datetime, key: int, kind: str, marker: str, after_days: int) -> list[int]:
    due = Alert.objects.filter(
        Q(**{f"{marker}__isnull": True}),
        state=AlertState.OPEN,
        opened_at__lte=now - dt.timedelta(days=after_days),
        customer__owner__isnull=False,
    ).select_related("customer__owner__profile__manager", "customer__owner")
    by_address: dict[tuple[str, object, str], list[AlertEvent]] = {}
    stepped = []
    for alert in due:
        owner = alert.customer.owner
        profile = getattr(owner, "profile", None)
        recipient = owner if kind == EventKind.REMINDED else (profile.manager if profile else None)
        if recipient is None or not recipient.email:
            continue
        language = getattr(getattr(recipient, "profile", None), "language", "en")
        event = AlertEvent.objects.create(
            alert=alert, kind=kind, level_before=alert.level, level_after=alert.level,
            kpi_value=alert.kpi_value, bound=alert.bound, created_at=now,
        )  # fmt: skip
        by_address.setdefault((recipient.email, recipient, language), []).append(event)
        stepped.append(alert.pk)
    Alert.objects.filter(pk__in=stepped).update(**{marker: now})
    created = []
    for (email, user, language), events in by_address.items():
        notification, was_created = Notification.objects.get_or_create(
            evaluation=key, kind=kind, email=email,
            defaults={"user": user, "language": language, "created_at": now},
        )  # fmt: skip
        notification.events.add(*events)
        if was_created:
            created.append(notification.pk)
    return created


@transaction.atomic
def climb(now: dt.datetime | None = None) -> list[int]:
    """Take every due step of the ladder. Returns the new outbox rows."""
    now = now or timezone.now()
    key = int(timezone.localdate(now).strftime("%Y%m%d"))
    return _step(
        now, key, EventKind.REMINDED, "reminded_at", settings.ALERT_REMIND_AFTER_DAYS
    ) + _step(
        now, key, EventKind.COPIED_TO_MANAGER, "copied_to_manager_at",
        settings.ALERT_COPY_TO_MANAGER_AFTER_DAYS,
    )  # fmt: skip
