import datetime as dt

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from cockpit.portfolio import take_portfolio
from customers.models import CustomerKPI

REFRESH_PENDING_KEY = "cockpit:portfolio-refresh-pending"


@shared_task(acks_late=True)
def take_portfolio_snapshot(taken_on: str | None = None) -> int:
    """The portfolio cube as of ``taken_on`` (ISO date), by default the latest KPI date."""
    cache.delete(REFRESH_PENDING_KEY)
    if taken_on:
        day = dt.date.fromisoformat(taken_on)
    else:
        latest = CustomerKPI.objects.order_by("-as_of").values_list("as_of", flat=True).first()
        day = latest or timezone.localdate()
    return take_portfolio(day)


def refresh_after_evaluation(sender, as_of: dt.date, customer_ids, **kwargs) -> None:
    """After a full evaluation at once; after incremental ones at most once a while, so a
    busy morning of logged contacts does not re-sum a large book for every one."""
    if customer_ids is None:
        transaction.on_commit(lambda: take_portfolio_snapshot.delay(as_of.isoformat()))
        return
    delay = settings.COCKPIT_PORTFOLIO_REFRESH_SECONDS
    if cache.add(REFRESH_PENDING_KEY, True, timeout=delay + 60):
        transaction.on_commit(
            lambda: take_portfolio_snapshot.apply_async([as_of.isoformat()], countdown=delay)
        )
