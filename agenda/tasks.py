"""Celery tasks of the agenda: thin wrappers around agenda.planning."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from agenda import planning


@shared_task(acks_late=True)
def plan_agenda(customer_ids: list[int] | None = None, today: str | None = None) -> dict:
    """Cadence tasks and sequence steps due within the lead time (daily by beat, and after
    each KPI run for the customers it touched)."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return planning.plan_agenda(day, customer_ids)
