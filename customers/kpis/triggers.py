"""Touched customers get their KPIs recomputed once their transaction commits.

Saving a transaction, an interaction or a customer marks the customer twice: in the
KPI backlog, a table written in the same database transaction (durable), and for a task
queued when that transaction commits (fast). If the broker is down the page still
works; the backlog keeps the work, and the catch-up task of the beat schedule recomputes
every customer that waited longer than a minute once the broker is back. Bulk paths (the
API's batches) mark their customers with mark_many; file imports and the demo recompute
themselves.
"""

import datetime as dt
import logging
import threading
from collections.abc import Iterable

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from customers.models import Customer, Interaction, KPIBacklogEntry, Transaction

logger = logging.getLogger(__name__)
_pending = threading.local()
CATCH_UP_AFTER = dt.timedelta(minutes=1)


def _write_backlog(customer_ids: Iterable[int]) -> None:
    now = timezone.now()
    KPIBacklogEntry.objects.bulk_create(
        [KPIBacklogEntry(customer_id=pk, touched_at=now) for pk in customer_ids],
        update_conflicts=True,
        unique_fields=["customer"],
        update_fields=["touched_at"],
    )


def mark_touched(customer_id: int) -> None:
    _write_backlog([customer_id])
    pending = _pending.__dict__.setdefault("ids", set())
    pending.add(customer_id)
    transaction.on_commit(_recompute_pending, robust=True)


def mark_many(customer_ids: list[int]) -> None:
    """Backlog and queue the recompute of many customers at once (a batch)."""
    if not customer_ids:
        return
    _write_backlog(customer_ids)
    ids = sorted(customer_ids)
    transaction.on_commit(lambda: queue_recompute(ids), robust=True)


def _recompute_pending() -> None:
    ids = _pending.__dict__.pop("ids", None)
    if ids:
        queue_recompute(sorted(ids))


def queue_recompute(customer_ids: list[int]) -> None:
    """Queue the recompute; without a broker the backlog keeps the work for later (and
    without a backlog entry, the nightly full run)."""
    from customers.tasks import recompute_customer_kpis

    try:
        recompute_customer_kpis.delay(customer_ids)
    except Exception as exc:  # kombu raises its own errors when the broker is away
        logger.warning(
            "KPI recompute not queued (%s): %d customer(s) wait for the catch-up",
            exc,
            len(customer_ids),
        )


def clear_backlog(customer_ids: list[int] | None, recomputed_since: dt.datetime) -> int:
    """Forget the marks a recompute that started at ``recomputed_since`` has covered (of
    the given customers, or all after a full run); later touches stay."""
    done = KPIBacklogEntry.objects.filter(touched_at__lte=recomputed_since)
    if customer_ids is not None:
        done = done.filter(customer_id__in=customer_ids)
    return done.delete()[0]


def waiting_customers(now: dt.datetime | None = None) -> list[int]:
    """Customers marked more than CATCH_UP_AFTER ago whose recompute has not happened."""
    before = (now or timezone.now()) - CATCH_UP_AFTER
    return list(
        KPIBacklogEntry.objects.filter(touched_at__lt=before)
        .order_by("customer_id")
        .values_list("customer_id", flat=True)
    )


def _on_history_change(sender, instance, **kwargs) -> None:
    mark_touched(instance.customer_id)


def _on_customer_saved(sender, instance, **kwargs) -> None:
    mark_touched(instance.pk)


def connect() -> None:
    for model in (Transaction, Interaction):
        post_save.connect(_on_history_change, sender=model, dispatch_uid=f"kpi-{model.__name__}")
        post_delete.connect(
            _on_history_change, sender=model, dispatch_uid=f"kpi-del-{model.__name__}"
        )
    post_save.connect(_on_customer_saved, sender=Customer, dispatch_uid="kpi-customer")
