"""Sending outbox rows: claim, send, record the outcome. Retries back off; a row is
claimed by one worker only (a conditional UPDATE), so no mail goes out twice."""

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from alerts.emails import make_message
from alerts.models import Notification, NotificationStatus

logger = logging.getLogger(__name__)

TEMPORARY_ERRORS = (smtplib.SMTPException, OSError)


def claim(notification_id: int, now: dt.datetime) -> bool:
    due = Q(status=NotificationStatus.QUEUED) | Q(
        status=NotificationStatus.RETRY, retry_after__lte=now
    )
    return (
        Notification.objects.filter(due, pk=notification_id).update(
            status=NotificationStatus.IN_FLIGHT, attempts=F("attempts") + 1
        )
        == 1
    )


def handle_one(notification_id: int) -> bool:
    """Send one notification if it is due and nobody else has it. True if it went out."""
    now = timezone.now()
    if not claim(notification_id, now):
        return False
    notification = Notification.objects.get(pk=notification_id)
    try:
        make_message(notification).send()
    except TEMPORARY_ERRORS as exc:
        failed = notification.attempts >= settings.ALERT_MAIL_MAX_ATTEMPTS
        notification.status = NotificationStatus.FAILED if failed else NotificationStatus.RETRY
        notification.retry_after = None if failed else now + retry_delay(notification.attempts)
        notification.error = f"{type(exc).__name__}: {exc}"[:2000]
        notification.save(update_fields=["status", "retry_after", "error"])
        logger.warning("alert mail %s not sent: %s", notification_id, exc)
        return False
    notification.status = NotificationStatus.SENT
    notification.sent_at = timezone.now()
    notification.error = ""
    notification.save(update_fields=["status", "sent_at", "error"])
    return True


def retry_delay(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2 ** (attempts - 1), 60))


def due_ids(now: dt.datetime) -> list[int]:
    due = Q(status=NotificationStatus.QUEUED) | Q(
        status=NotificationStatus.RETRY, retry_after__lte=now
    )
    return list(Notification.objects.filter(due).order_by("id").values_list("id", flat=True))
