"""The customer record's timeline: touchpoints and transactions, newest first."""

import datetime as dt
from dataclasses import dataclass
from itertools import chain

from django.utils import timezone

from customers.models import Customer, Interaction, Transaction


@dataclass(frozen=True)
class TimelineEntry:
    when: dt.datetime
    interaction: Interaction | None = None
    transaction: Transaction | None = None


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def customer_timeline(customer: Customer, limit: int = 50) -> list[TimelineEntry]:
    """The newest ``limit`` entries of a customer's history, both kinds merged (two queries)."""
    interactions = customer.interactions.select_related("contact", "user").order_by("-occurred_at")[
        :limit
    ]
    transactions = customer.transactions.order_by("-occurred_on", "-id")[:limit]
    entries = chain(
        (TimelineEntry(when=i.occurred_at, interaction=i) for i in interactions),
        (TimelineEntry(when=_start_of_day(t.occurred_on), transaction=t) for t in transactions),
    )
    return sorted(entries, key=lambda entry: entry.when, reverse=True)[:limit]
