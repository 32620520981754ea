import datetime as dt

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from alerts import delivery, webhooks
from alerts.evaluation import evaluate
from alerts.signals import alerts_evaluated
from customers.models import KPIRun


def is_news(as_of: dt.date) -> bool:
    """A KPI run as of today or yesterday is news worth a mail; one as of an older day
    replays history (a backfill, the demo book's past months): its alerts are recorded,
    dated that day, but mailing about them now would only flood inboxes."""
    return as_of >= timezone.localdate() - dt.timedelta(days=1)


def evaluation_time(as_of: dt.date) -> dt.datetime:
    """When the alerts of a KPI run happen: now, or the end of a past as-of day (so a
    recompute of history dates its alerts where they belong)."""
    now = timezone.now()
    end_of_day = timezone.make_aware(dt.datetime.combine(as_of, dt.time(23, 59)))
    return min(now, end_of_day)


@shared_task(acks_late=True, autoretry_for=(OSError,), max_retries=3, retry_backoff=True)
def evaluate_alerts(evaluation: int, customer_ids: list[int] | None = None) -> dict:
    run = KPIRun.objects.get(pk=evaluation)
    result = evaluate(
        evaluation, customer_ids, now=evaluation_time(run.as_of), mail=is_news(run.as_of)
    )
    alerts_evaluated.send(sender=evaluate_alerts, as_of=run.as_of, customer_ids=customer_ids)
    if webhooks.queue_webhooks():
        transaction.on_commit(deliver_webhooks.delay)
    return {
        "opened": result.opened,
        "escalated": result.escalated,
        "de_escalated": result.de_escalated,
        "resolved": result.resolved,
    }


def reevaluate_latest_run() -> bool:
    """After a rule changed: evaluate every rule again against the latest finished KPI
    run, once the change has committed (the same run evaluated again: idempotent).
    False when no KPI run has finished yet."""
    run = KPIRun.objects.filter(status=KPIRun.Status.FINISHED).order_by("-finished_at").first()
    if run is None:
        return False
    transaction.on_commit(lambda: evaluate_alerts.delay(run.pk))
    return True


@shared_task(acks_late=True)
def deliver_notification(notification_id: int) -> bool:
    return delivery.handle_one(notification_id)


@shared_task
def deliver_due_notifications() -> int:
    """Beat, every minute: send what is queued or due for a retry."""
    return sum(delivery.handle_one(pk) for pk in delivery.due_ids(timezone.now()))


@shared_task
def send_digests(frequency: str) -> int:
    """Beat: the daily digest every morning, the weekly one on Mondays."""
    from alerts.digests import queue_digests

    created = queue_digests(frequency, timezone.localdate())
    return sum(delivery.handle_one(pk) for pk in created)


@shared_task
def climb_ladder() -> int:
    """Beat, hourly: reminders to owners and copies to managers of unacknowledged alerts."""
    from alerts.ladder import climb

    created = climb()
    return sum(delivery.handle_one(pk) for pk in created)


@shared_task
def deliver_webhooks() -> int:
    """Beat, every minute, and after an evaluation queued some: send what is due."""
    webhooks.queue_webhooks()
    return webhooks.deliver_due()
