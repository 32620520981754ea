"""Celery tasks of the KPI engine: thin wrappers around customers.kpis.runs."""

import datetime as dt
import logging

from celery import chord, shared_task
from django.conf import settings
from django.utils import timezone

from customers.kpis import runs

logger = logging.getLogger(__name__)


def _as_of(value: str | None) -> dt.date:
    return dt.date.fromisoformat(value) if value else timezone.localdate()


@shared_task(acks_late=True)
def recompute_all_kpis(as_of: str | None = None, chunk_size: int | None = None) -> int | None:
    """A full run: one task per chunk of customer ids, shared by all workers, then finish."""
    chunks = runs.chunk_ranges(chunk_size or settings.KPI_CHUNK_SIZE)
    try:
        run = runs.begin_full_run(_as_of(as_of), chunks)
    except runs.RecomputeAlreadyRunning as exc:
        logger.warning("KPI recompute not started: %s", exc)
        return None
    # Chunks go round-robin to KPI_CHUNK_QUEUES when set (workers on several hosts, each
    # on its queue), else to the default queue all workers share.
    queues = settings.KPI_CHUNK_QUEUES
    header = [
        recompute_kpi_chunk.si(run.pk, first, last).set(
            **({"queue": queues[n % len(queues)]} if queues else {})
        )
        for n, (first, last) in enumerate(chunks)
    ]
    finish = finish_kpi_run.si(run.pk)
    finish.on_error(fail_kpi_run.s(run.pk))
    if header:
        chord(header)(finish)
    else:
        finish.delay()
    return run.pk


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), max_retries=3, retry_backoff=True)
def recompute_kpi_chunk(self, run_id: int, first_id: int, last_id: int) -> int:
    return runs.run_chunk(run_id, first_id, last_id, worker=self.request.hostname or "")


@shared_task(acks_late=True)
def finish_kpi_run(run_id: int) -> int:
    return runs.finish_full_run(run_id).pk


@shared_task
def fail_kpi_run(request, exc, traceback, run_id: int) -> None:
    runs.fail_run(run_id, repr(exc))


@shared_task(acks_late=True, autoretry_for=(OSError,), max_retries=3, retry_backoff=True)
def recompute_customer_kpis(customer_ids: list[int], as_of: str | None = None) -> int:
    return runs.recompute_customers(customer_ids, _as_of(as_of)).pk


@shared_task(acks_late=True)
def resegment_customers() -> int:
    """After an edit of the segment map (idempotent: a second run changes nothing)."""
    return runs.resegment_book()


@shared_task
def catch_up_kpi_backlog() -> int:
    """Recompute the customers that waited in the KPI backlog (their task was lost: the
    broker was down, a worker died). Returns how many; 0 on a healthy system."""
    from customers.kpis.triggers import waiting_customers

    ids = waiting_customers()
    if ids:
        logger.warning("catching up the KPIs of %d customer(s) from the backlog", len(ids))
        runs.recompute_customers(ids, timezone.localdate())
    return len(ids)


@shared_task(acks_late=True)
def check_import_job(job_id: int) -> None:
    from customers.imports.jobs import check_job

    check_job(job_id)


@shared_task(acks_late=True)
def run_import_job(job_id: int) -> None:
    from customers.imports.jobs import import_job

    import_job(job_id)
