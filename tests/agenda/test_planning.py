"""Just-in-time tasks from cadences and sequences, over repeated planning runs."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from agenda.models import ContactCadence, Sequence, SequenceEnrollment, Task
from agenda.planning import plan_agenda
from customers.kpis import runs
from tests.agenda.test_cadence import touch
from tests.factories import CustomerFactory, TransactionFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 30)  # lead time 7 days: tasks due up to 2026-07-07 are created


@pytest.fixture(autouse=True)
def cadences():
    ContactCadence.objects.all().delete()
    ContactCadence.objects.create(name="Everybody", interval_days=90)
    ContactCadence.objects.create(name="Insurance", industry="insurance", interval_days=365,
                                  in_person=True)  # fmt: skip


def tasks_of(customer, **filters) -> list[tuple]:
    return list(
        Task.objects.filter(customer=customer, **filters)
        .order_by("id")
        .values_list("origin", "kind", "due_on", "status", "title")
    )


def buy(customer, day: str, amount: str = "100.00") -> None:
    TransactionFactory(customer=customer, occurred_on=dt.date.fromisoformat(day),
                       amount=Decimal(amount))  # fmt: skip


def plan(day: dt.date = TODAY) -> dict:
    runs.recompute_all(day)
    return plan_agenda(day)


class TestCadenceTasks:
    def test_a_task_appears_within_the_lead_time_and_never_twice(self, rep_a):
        soon = CustomerFactory(owner=rep_a)
        touch(soon, "2026-04-05")  # due 2026-07-04
        later = CustomerFactory(owner=rep_a)
        touch(later, "2026-04-20")  # due 2026-07-19: not yet
        first = plan()
        assert tasks_of(soon) == [("cadence", "call", dt.date(2026, 7, 4), "open", "")]
        assert Task.objects.get(customer=soon).assignee == rep_a
        assert tasks_of(later) == []
        assert first["cadence"]["created"] == 1
        again = plan()
        assert again["cadence"] == {"done_by_touch": 0, "cancelled": 0, "moved": 0, "created": 0}
        assert Task.objects.count() == 1

    def test_a_visit_is_planned_where_an_in_person_cadence_applies(self):
        insurer = CustomerFactory(industry="insurance")
        touch(insurer, "2026-06-01")
        touch(insurer, "2025-07-01", channel="visit")  # visit due 2026-07-01
        plan()
        assert tasks_of(insurer) == [("cadence", "visit", dt.date(2026, 7, 1), "open", "")]

    @time_machine.travel(dt.datetime(2026, 6, 30, 10, tzinfo=dt.UTC), tick=False)
    def test_a_touch_logged_meanwhile_closes_the_task(self):
        customer = CustomerFactory()
        touch(customer, "2026-04-01")
        plan()
        assert tasks_of(customer, status="open") != []
        touch(customer, "2026-06-30")  # the rep called without using the task
        result = plan()
        assert result["cadence"]["done_by_touch"] == 1
        assert tasks_of(customer) == [("cadence", "call", dt.date(2026, 6, 30), "done", "")]

    @time_machine.travel(dt.datetime(2026, 6, 30, 10, tzinfo=dt.UTC), tick=False)
    def test_a_cadence_deleted_cancels_its_tasks_instead_of_calling_them_done(self):
        customer = CustomerFactory()
        touch(customer, "2026-04-01")  # due 2026-06-30 under "Everybody"
        plan()
        assert [t[3] for t in tasks_of(customer)] == ["open"]
        ContactCadence.objects.update(interval_days=365)  # an admin lengthens the cadence
        result = plan()
        assert (result["cadence"]["done_by_touch"], result["cadence"]["cancelled"]) == (0, 1)
        assert [t[3] for t in tasks_of(customer)] == ["cancelled"]

    def test_opted_out_customers_are_never_scheduled(self):
        customer = CustomerFactory()
        touch(customer, "2026-01-01")
        plan()
        assert len(tasks_of(customer, status="open")) == 1
        customer.contact_opt_out = True
        customer.save()
        plan()
        assert [t[3] for t in tasks_of(customer)] == ["cancelled"]
        plan()
        assert [t[3] for t in tasks_of(customer)] == ["cancelled"]


class TestSequences:
    @pytest.fixture(autouse=True)
    def no_cadences(self):
        ContactCadence.objects.all().delete()

    def test_the_first_purchase_starts_the_welcome_sequence_step_by_step(self):
        newcomer = CustomerFactory(customer_since=dt.date(2026, 6, 20))
        buy(newcomer, "2026-06-20")
        plan()
        run = SequenceEnrollment.objects.get(customer=newcomer)
        assert (run.sequence.name, run.started_on, run.status) == ("Welcome", TODAY, "active")
        assert tasks_of(newcomer) == [("sequence", "call", TODAY, "open", "Thank-you call")]
        plan(TODAY + dt.timedelta(days=7))  # check-in due 2026-07-14 is within the lead time
        plan(TODAY + dt.timedelta(days=7))
        assert [t[2:] for t in tasks_of(newcomer)] == [
            (TODAY, "open", "Thank-you call"),
            (dt.date(2026, 7, 14), "open", "Check-in after two weeks"),
        ]
        plan(TODAY + dt.timedelta(days=60))
        assert len(tasks_of(newcomer)) == 3
        assert SequenceEnrollment.objects.get(customer=newcomer).status == "finished"

    def test_a_sequence_task_reads_in_the_readers_language(self):
        newcomer = CustomerFactory(customer_since=dt.date(2026, 6, 20))
        buy(newcomer, "2026-06-20")
        plan()
        task = Task.objects.select_related("step").get(customer=newcomer)
        assert (task.display_title, task.display_notes[:27]) == (
            "Thank-you call", "Thank the customer for the ",
        )  # fmt: skip
        with translation.override("de"):
            assert (task.display_title, task.display_notes[:27]) == (
                "Dankesanruf", "Danken Sie dem Kunden für d",
            )  # fmt: skip
        task.title = "Call Mrs Weber about the first order"  # a title of the rep's own stays
        with translation.override("de"):
            assert task.display_title == "Call Mrs Weber about the first order"

    def test_leaving_the_phase_stops_the_sequence_and_cancels_its_open_tasks(self):
        lapsed = CustomerFactory()
        buy(lapsed, "2025-06-20")  # 375 days ago: lapsed since 2026-06-21
        long_gone = CustomerFactory()
        buy(long_gone, "2024-08-01")  # lapsed since 2025-08-02: too long ago to win back now
        plan()
        run = SequenceEnrollment.objects.get(customer=lapsed)
        assert run.sequence == Sequence.objects.get(name="Win-back")
        assert tasks_of(lapsed) == [("sequence", "call", TODAY, "open", "Win-back call")]
        assert not SequenceEnrollment.objects.filter(customer=long_gone).exists()

        buy(lapsed, "2026-06-30", "500.00")  # won back
        result = plan()
        run.refresh_from_db()
        assert (run.status, run.left_phase_on) == ("stopped", TODAY)
        assert result["sequences"]["tasks_cancelled"] == 1
        assert [t[3] for t in tasks_of(lapsed)] == ["cancelled"]
        assert plan()["sequences"]["started"] == 0
