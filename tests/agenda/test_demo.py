import datetime as dt

import pytest
import time_machine

from agenda.demo import seed_demo_agenda
from agenda.models import ActionPlan, Task
from alerts.evaluation import evaluate
from customers.demo import compute_demo_kpis, seed_demo_book
from customers.models import KPIRun

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)


@time_machine.travel(dt.datetime(2026, 11, 26, 8, tzinfo=dt.UTC), tick=False)
def test_the_demo_agenda_gives_every_rep_a_day_to_work_through():
    seed_demo_book(customers=160, seed=42, as_of=TODAY)
    compute_demo_kpis(TODAY, months_of_history=0)
    evaluate(KPIRun.objects.latest("pk").pk)
    first = seed_demo_agenda(TODAY)
    for rep in ("rep1", "rep2", "rep3"):
        plan = ActionPlan.objects.get(responsible__username=rep)
        assert plan.progress() == (1, 3)
        mine = Task.objects.open().filter(assignee__username=rep)
        assert mine.filter(due_on=TODAY).exists()
        assert mine.filter(origin="alert").count() == 3
        assert mine.filter(origin="cadence").exists()
    assert Task.objects.open().filter(origin="sequence").exists()
    # Each rep writes in their own language.
    goals = dict(ActionPlan.objects.values_list("responsible__username", "goal"))
    assert goals == {
        "rep1": "Secure the 2027 framework agreement",
        "rep2": "Rahmenvertrag 2027 sichern",
        "rep3": "Rahmenvertrag 2027 sichern",
    }
    tasks = Task.objects.count()
    second = seed_demo_agenda(TODAY)
    assert (second["plans"], second["tasks"], Task.objects.count()) == (0, 0, tasks)
    assert first["plans"] == 3
