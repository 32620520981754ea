"""Touched customers get their KPIs recomputed once their transaction commits.

Saving a transaction, an interaction or a customer marks the customer; one task per
committed database transaction recomputes all marked customers. Bulk paths (imports,
the demo) call the recompute themselves.
"""

import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from customers.models import Customer, Interaction, Transaction

_pending = threading.local()


def mark_touched(customer_id: int) -> None:
    pending = _pending.__dict__.setdefault("ids", set())
    pending.add(customer_id)
    transaction.on_commit(_recompute_pending)


def _recompute_pending() -> None:
    ids = _pending.__dict__.pop("ids", None)
    if ids:
        from customers.tasks import recompute_customer_kpis

        recompute_customer_kpis.delay(sorted(ids))


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
