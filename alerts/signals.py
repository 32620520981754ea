from django.db import transaction
from django.dispatch import Signal

# Sent after an evaluation of the tolerance rules. Receivers get ``as_of`` (date) and
# ``customer_ids`` (list of ids, or None when every customer was evaluated).
alerts_evaluated = Signal()


def evaluate_after_recompute(sender, as_of, customer_ids, run, **kwargs) -> None:
    """The KPI engine finished a run: evaluate the rules for the customers it touched."""
    from alerts.tasks import evaluate_alerts

    transaction.on_commit(lambda: evaluate_alerts.delay(run.pk, customer_ids))
