from django.db import transaction


def plan_after_recompute(sender, as_of, customer_ids, run, **kwargs) -> None:
    """New KPIs (a touch, a phase change): plan the agenda of the customers they cover."""
    from agenda.tasks import plan_agenda

    transaction.on_commit(lambda: plan_agenda.delay(customer_ids))


def recompute_after_cadence_change(sender, **kwargs) -> None:
    """Every customer's due date depends on the cadences: recompute them all."""
    from customers.tasks import recompute_all_kpis

    transaction.on_commit(lambda: recompute_all_kpis.delay())
