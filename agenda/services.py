"""What people do with tasks: create them from alerts, complete them, cancel them."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.choices import CONTACT_CHANNELS, TaskKind, TaskOrigin, TaskStatus
from agenda.models import Task
from alerts import services as alert_services
from alerts.choices import AlertState
from alerts.models import Alert
from customers.choices import Direction, InteractionKind, Rating
from customers.models import Interaction


def task_from_alert(alert: Alert, user) -> Task:
    """An unsaved task for this alert, prefilled with its rule's guidance: due today for
    red, in three days for yellow, assigned to the customer's owner (else the user)."""
    days = 0 if alert.level == "red" else 3
    return Task(
        customer=alert.customer,
        assignee=alert.customer.owner or user,
        title=alert.rule.localized_name,
        notes=alert.rule.localized_guidance,
        due_on=timezone.localdate() + dt.timedelta(days=days),
        kind=TaskKind.CALL,
        origin=TaskOrigin.ALERT,
        alert=alert,
    )


def complete_task(
    task: Task,
    user,
    *,
    outcome: str = "",
    rating: str = Rating.NEUTRAL,
    satisfaction: int | None = None,
    acknowledge_alert: bool = False,
) -> Task:
    """Mark the task done; a call, visit, e-mail or letter is logged as a touchpoint on the
    customer's timeline in the same transaction, which restarts the contact clock."""
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if task.status != TaskStatus.OPEN:
            return task
        if task.kind in CONTACT_CHANNELS:
            task.interaction = Interaction.objects.create(
                customer_id=task.customer_id,
                contact_id=task.contact_id,
                user=user,
                channel=CONTACT_CHANNELS[task.kind],
                direction=Direction.OUTBOUND,
                kind=InteractionKind.CONTACT,
                rating=rating,
                satisfaction=satisfaction,
                summary=outcome or task.display_title,
            )
        task.status = TaskStatus.DONE
        task.outcome = outcome
        task.completed_at = timezone.now()
        task.completed_by = user
        task.save(
            update_fields=["status", "outcome", "completed_at", "completed_by", "interaction"]
        )
        if acknowledge_alert and task.alert_id:
            alert = Alert.objects.get(pk=task.alert_id)
            if alert.state in (AlertState.OPEN, AlertState.SNOOZED):
                note = outcome or _("Task done: %(task)s") % {"task": task.display_title}
                alert_services.acknowledge(alert, user, note=note)
    return task


def cancel_task(task: Task, user, reason: str = "") -> Task:
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if task.status == TaskStatus.OPEN:
            task.status = TaskStatus.CANCELLED
            task.outcome = reason
            task.completed_at = timezone.now()
            task.completed_by = user
            task.save(update_fields=["status", "outcome", "completed_at", "completed_by"])
    return task
