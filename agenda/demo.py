"""The demo agenda: per rep an action plan for the biggest key account, follow-ups from
red alerts and a few manual tasks, on top of what cadences and sequences plan. Each rep
writes in their own language (rep1 English, rep2 and rep3 German)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from agenda.choices import PlanStatus, TaskKind, TaskOrigin, TaskStatus
from agenda.models import ActionPlan, Task
from agenda.planning import plan_agenda
from agenda.services import task_from_alert
from alerts.models import Alert
from customers.demo import REP_USERNAMES
from customers.models import Customer

ALERT_TASKS_PER_REP = 3

# What a rep writes, in the rep's language: the plan's goal, its measures, a manual task.
WRITTEN = {
    "de": {
        "goal": "Rahmenvertrag 2027 sichern",
        "measures": [
            "Bedarf fürs nächste Jahr mit dem Einkauf klären",
            "Geschäftsführung zu unserem Kundentag einladen",
            "Rahmenangebot schicken",
        ],
        "catalogue": "Katalog und Preisliste schicken",
    },
    "en": {
        "goal": "Secure the 2027 framework agreement",
        "measures": [
            "Clarify next year's needs with purchasing",
            "Invite the management to our customer day",
            "Send the framework offer",
        ],
        "catalogue": "Send the catalogue and price list",
    },
}


def _written_by(rep) -> dict:
    profile = getattr(rep, "profile", None)
    return WRITTEN.get(getattr(profile, "language", "en"), WRITTEN["en"])


@transaction.atomic
def seed_demo_agenda(today: dt.date) -> dict:
    """Idempotent: a rep who has an action plan already is left alone."""
    now = timezone.now()
    counts = {"plans": 0, "tasks": 0}
    reps = get_user_model().objects.filter(username__in=REP_USERNAMES).select_related("profile")
    for rep in reps.order_by("username"):
        if ActionPlan.objects.filter(responsible=rep).exists():
            continue
        written = _written_by(rep)
        key_account = (
            Customer.objects.filter(owner=rep, kpi__value_class="A", contact_opt_out=False)
            .order_by("-kpi__revenue_12m", "number")
            .first()
        )
        if key_account is not None:
            plan = ActionPlan.objects.create(
                customer=key_account,
                goal=written["goal"],
                responsible=rep,
                review_on=today + dt.timedelta(days=45),
                status=PlanStatus.ACTIVE,
            )
            steps = [(TaskKind.CALL, -10, True), (TaskKind.VISIT, 0, False),
                     (TaskKind.EMAIL, 14, False)]  # fmt: skip
            measures = [(title, *step) for title, step in zip(written["measures"], steps,
                                                                 strict=True)]  # fmt: skip
            for title, kind, days, done in measures:
                Task.objects.create(
                    customer=key_account, assignee=rep, title=title, kind=kind,
                    due_on=today + dt.timedelta(days=days), origin=TaskOrigin.PLAN, plan=plan,
                    status=TaskStatus.DONE if done else TaskStatus.OPEN,
                    completed_at=now if done else None, completed_by=rep if done else None,
                    created_at=now,
                )  # fmt: skip
            counts["plans"] += 1
            counts["tasks"] += len(measures)
        red_alerts = (
            Alert.objects.unresolved()
            .filter(customer__owner=rep, level="red", tasks__isnull=True)
            .select_related("rule", "customer__owner")
            .order_by("-customer__kpi__revenue_12m", "id")[:ALERT_TASKS_PER_REP]
        )
        for alert in red_alerts:
            follow_up = task_from_alert(alert, rep)
            follow_up.created_at = now
            follow_up.save()
            counts["tasks"] += 1
        prospect = Customer.objects.filter(owner=rep, kpi__lifecycle_phase="prospect").first()
        if prospect is not None:
            Task.objects.create(
                customer=prospect, assignee=rep, title=written["catalogue"],
                kind=TaskKind.EMAIL, due_on=today, origin=TaskOrigin.MANUAL, created_at=now,
            )  # fmt: skip
            counts["tasks"] += 1
    plan_agenda(today)
    for origin in (TaskOrigin.CADENCE, TaskOrigin.SEQUENCE):
        counts[f"{origin}_tasks"] = Task.objects.open().filter(origin=origin).count()
    return counts
