"""Runs of the KPI engine: the lock, the chunks, and what a finished run does."""

import datetime as dt
import logging
from collections.abc import Sequence

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from customers.kpis import engine, predictive, swap, triggers
from customers.kpis.sql import on_connections
from customers.models import Customer, KPIRun
from customers.signals import kpis_recomputed

logger = logging.getLogger(__name__)


class RecomputeAlreadyRunning(Exception):
    pass


def start_full_run(as_of: dt.date) -> KPIRun:
    """Take the lock: at most one full run is running. A run that died is released after
    KPI_RUN_STALE_AFTER_MINUTES."""
    stale_before = timezone.now() - dt.timedelta(minutes=settings.KPI_RUN_STALE_AFTER_MINUTES)
    KPIRun.objects.filter(
        kind=KPIRun.Kind.FULL, status=KPIRun.Status.RUNNING, started_at__lt=stale_before
    ).update(status=KPIRun.Status.FAILED, error="stale: no progress, lock released")
    try:
        with transaction.atomic():
            run = KPIRun.objects.create(
                kind=KPIRun.Kind.FULL, as_of=as_of, started_at=timezone.now()
            )
            engine.snapshot_previous_month(as_of)
            swap.prepare_next_table()
            return run
    except IntegrityError:
        running = KPIRun.objects.get(kind=KPIRun.Kind.FULL, status=KPIRun.Status.RUNNING)
        raise RecomputeAlreadyRunning(
            f"a full KPI run as of {running.as_of} is running since {running.started_at:%H:%M}"
        ) from None


def begin_full_run(as_of: dt.date, chunks: list[tuple[int, int]]) -> KPIRun:
    """Take the lock and fit the predictive model the chunks join in (its summary is read
    by the same ranges of customer ids)."""
    run = start_full_run(as_of)
    try:
        run.chunks = len(chunks)
        run.save(update_fields=["chunks"])
        predictive.refresh(as_of, chunks)
    except Exception as exc:
        fail_run(run.pk, repr(exc))
        raise
    return run


def chunk_ranges(chunk_size: int) -> list[tuple[int, int]]:
    """Ranges of customer ids (inclusive) of about ``chunk_size`` ids each."""
    bounds = Customer.objects.aggregate(first=Min("id"), last=Max("id"))
    if bounds["first"] is None:
        return []
    return [
        (start, min(start + chunk_size - 1, bounds["last"]))
        for start in range(bounds["first"], bounds["last"] + 1, chunk_size)
    ]


def latest_scored_run() -> KPIRun | None:
    """The last finished full run with cuts: the scores every customer carries."""
    return (
        KPIRun.objects.filter(kind=KPIRun.Kind.FULL, status=KPIRun.Status.FINISHED)
        .exclude(cuts={})
        .order_by("-finished_at")
        .first()
    )


def latest_cuts() -> engine.Cuts | None:
    run = latest_scored_run()
    return engine.Cuts.from_json(run.cuts) if run else None


def run_chunk(run_id: int, first_id: int, last_id: int, worker: str = "") -> int:
    """One worker's share of a full run, written into the next table. Scores use the
    previous run's cuts, so that finish_full_run rewrites only the rows whose score moved.
    The run counts the chunks each worker did (``worker``: its host name)."""
    run = KPIRun.objects.get(pk=run_id)
    with transaction.atomic():
        rows = engine.recompute_range(
            first_id, last_id, run.as_of, latest_cuts(), table=swap.NEXT_TABLE
        )
        locked = KPIRun.objects.select_for_update().get(pk=run_id)
        name = worker or "this process"
        locked.chunks_by_worker[name] = locked.chunks_by_worker.get(name, 0) + 1
        locked.rows_written += rows
        locked.chunks_done += 1
        locked.save(update_fields=["chunks_by_worker", "rows_written", "chunks_done"])
    return rows


def finish_full_run(run_id: int) -> KPIRun:
    run = KPIRun.objects.get(pk=run_id)
    with transaction.atomic():
        cuts = engine.compute_cuts(swap.NEXT_TABLE)
        if cuts != latest_cuts():
            # The chunks scored with the previous run's cuts and the segment map as they
            # found it: only if the cuts or the map moved since can a score differ.
            engine.apply_scores(cuts, swap.NEXT_TABLE)
        swap.swap_in_next_table()
        run.cuts = cuts.to_json()
        run.customers = Customer.objects.count()
        run.status = KPIRun.Status.FINISHED
        run.finished_at = timezone.now()
        run.save()
        # What changed while the chunks ran went into the old table: redo those customers.
        touched = touched_since(run.started_at)
        predictive.score_customers(touched, run.as_of)
        engine.recompute_ids(touched, run.as_of, cuts)
        triggers.clear_backlog(None, run.started_at)
    kpis_recomputed.send(sender=KPIRun, as_of=run.as_of, customer_ids=None, run=run)
    return run


def resegment_book() -> int:
    """After the admin changed the segment map: every customer's segment, and the contact
    cadence that depends on it, under the last full run's cuts; then the alerts, whose
    scopes may name segments. Returns the KPI rows that changed."""
    run = latest_scored_run()
    if run is None:
        return 0
    with transaction.atomic():
        rows = engine.apply_scores(engine.Cuts.from_json(run.cuts))
        if rows:
            kpis_recomputed.send(sender=KPIRun, as_of=run.as_of, customer_ids=None, run=run)
    return rows


def touched_since(moment) -> list[int]:
    """Customers recomputed incrementally since ``moment``."""
    ids: set[int] = set()
    for customer_ids in KPIRun.objects.filter(
        kind=KPIRun.Kind.INCREMENTAL, started_at__gte=moment
    ).values_list("customer_ids", flat=True):
        ids.update(customer_ids)
    return sorted(ids)


def fail_run(run_id: int, error: str) -> None:
    KPIRun.objects.filter(pk=run_id, status=KPIRun.Status.RUNNING).update(
        status=KPIRun.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def recompute_all(as_of: dt.date, chunk_size: int | None = None, workers: int = 1) -> KPIRun:
    """A whole full run in this process (the command's path): chunk after chunk, or on
    ``workers`` connections at once on PostgreSQL."""
    chunks = chunk_ranges(chunk_size or settings.KPI_CHUNK_SIZE)
    run = begin_full_run(as_of, chunks)
    try:
        if workers > 1 and connection.vendor == "postgresql":
            # As that many Celery workers would share them.
            on_connections(lambda chunk: run_chunk(run.pk, *chunk), chunks, workers)
        else:
            for first_id, last_id in chunks:
                run_chunk(run.pk, first_id, last_id)
        return finish_full_run(run.pk)
    except Exception as exc:
        fail_run(run.pk, repr(exc))
        raise


def recompute_customers(customer_ids: Sequence[int], as_of: dt.date) -> KPIRun:
    """The incremental path: only the touched customers, scored against the last cuts."""
    ids = sorted(set(customer_ids))
    started = timezone.now()
    cuts = latest_cuts()
    with transaction.atomic():
        predictive.score_customers(ids, as_of)
        rows = engine.recompute_ids(ids, as_of, cuts)
        if cuts is None:
            # No full run yet: score the (small) book now so colours show at once.
            engine.apply_scores(engine.compute_cuts())
        run = KPIRun.objects.create(
            kind=KPIRun.Kind.INCREMENTAL,
            status=KPIRun.Status.FINISHED,
            as_of=as_of,
            started_at=started,
            finished_at=timezone.now(),
            customers=len(ids),
            customer_ids=ids,
            rows_written=rows,
        )
        triggers.clear_backlog(ids, started)
    kpis_recomputed.send(sender=KPIRun, as_of=as_of, customer_ids=ids, run=run)
    return run
