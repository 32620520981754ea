from django.db import transaction


def plan_after_recompute(sender, as_of, customer_ids, run, **kwargs) -> None:
    """New KPIs (a touch, a phase change): plan the agenda of the customers they cover.
    A run as of a past day (a backfill of monthly snapshots) plans nothing."""
    from django.utils import timezone

    from agenda.tasks import plan_agenda

    if as_of < timezone.localdate():
        return
    transaction.on_commit(lambda: plan_agenda.delay(customer_ids))


def recompute_after_cadence_change(sender, **kwargs) -> None:
    """Every customer's due date depends on the cadences: recompute them all."""
    from customers.tasks import recompute_all_kpis

    transaction.on_commit(lambda: recompute_all_kpis.delay())
