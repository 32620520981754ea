"""Daily and weekly digests: one mail per user who chose one, listing the open alerts on
the customers they may see, leading with what is still red. One per user and day (the
outbox's unique key), so running the digest twice sends nothing twice."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from alerts.choices import AlertState
from alerts.models import Alert, AlertEvent, Notification
from cockpit.models import AlertMail


def digest_key(today: dt.date) -> int:
    return int(today.strftime("%Y%m%d"))


@transaction.atomic
def queue_digests(frequency: str, today: dt.date) -> list[int]:
    if frequency not in (AlertMail.DAILY, AlertMail.WEEKLY):
        raise ValueError(f"unknown digest frequency {frequency!r}")
    now = timezone.now()
    key = digest_key(today)
    users = (
        get_user_model()
        .objects.filter(is_active=True, profile__alert_mail=frequency)
        .exclude(email="")
        .select_related("profile")
    )
    created = []
    for user in users:
        latest_events = (
            Alert.objects.visible_to(user)
            .unresolved()
            .exclude(state=AlertState.SNOOZED)
            .annotate(latest=Max("events__id"))
            .values_list("latest", flat=True)
        )
        event_ids = [pk for pk in latest_events if pk]
        if not event_ids:
            continue
        notification, was_created = Notification.objects.get_or_create(
            evaluation=key,
            kind=frequency,
            email=user.email,
            defaults={"user": user, "language": user.profile.language, "created_at": now},
        )
        if was_created:
            notification.events.set(AlertEvent.objects.filter(pk__in=event_ids))
            created.append(notification.pk)
    return created
