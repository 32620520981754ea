from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from agenda.choices import EnrollmentStatus, TaskStatus
from agenda.forms import CompleteTaskForm
from agenda.models import SequenceEnrollment, Task
from customers.choices import ValueClass
from customers.models import CustomerKPI
from customers.panels import RecordPanel

RECENTLY_DONE = 5


def customer_agenda(request: HttpRequest, customer) -> RecordPanel:
    """The customer's agenda on its record: open tasks, action plans with their progress,
    running sequences and when the next contact is due."""
    tasks = Task.objects.filter(customer=customer).select_related(
        "assignee", "contact", "alert__rule", "step"
    )
    plans = customer.plans.select_related("responsible").annotate(
        measures_done=Count("measures", filter=Q(measures__status=TaskStatus.DONE)),
        measures_total=Count("measures", filter=~Q(measures__status=TaskStatus.CANCELLED)),
    )
    kpi = (
        CustomerKPI.objects.filter(customer=customer).only("contact_due_on", "value_class").first()
    )
    return RecordPanel(
        template="agenda/_record_panel.html",
        actions_template="agenda/_record_actions.html",
        context={
            "open_tasks": list(tasks.filter(status=TaskStatus.OPEN).order_by("due_on", "id")),
            "done_tasks": list(
                tasks.exclude(status=TaskStatus.OPEN).order_by("-completed_at")[:RECENTLY_DONE]
            ),
            "plans": list(plans.order_by("status", "review_on")),
            "sequences": list(
                SequenceEnrollment.objects.filter(
                    customer=customer, status=EnrollmentStatus.ACTIVE
                ).select_related("sequence")
            ),
            "contact_due_on": kpi.contact_due_on if kpi else None,
            "key_account": kpi is not None and kpi.value_class == ValueClass.A,
            "complete_form": CompleteTaskForm(),
            "today": timezone.localdate(),
        },
    )
