"""A worker that dies in the middle of a full KPI run or an alert evaluation: nothing half
written becomes visible, and the next run completes with exactly one run's result, no
alert or mail doubled. (A killed worker's database transaction is rolled back by the
database; here the crash is an exception at the same point, on both engines.)"""

import datetime as dt
from unittest import mock

import pytest

from alerts import evaluation
from alerts.models import Alert, AlertEvent, Notification, ToleranceRule
from customers.kpis import engine, runs
from customers.models import CustomerKPI, KPIRun
from tests.alerts.test_evaluation import NOW, rule, with_kpis
from tests.factories import CustomerFactory, TransactionFactory

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 6, 30)


class WorkerKilled(Exception):
    pass


def kpi_rows() -> list[tuple]:
    return list(
        CustomerKPI.objects.order_by("customer_id").values_list(
            "customer_id", "frequency", "monetary_total", "recency_days", "value_class"
        )
    )


def test_a_full_run_killed_in_its_third_chunk_leaves_the_live_kpis_alone():
    for n in range(30):
        TransactionFactory(customer=CustomerFactory(), occurred_on=AS_OF - dt.timedelta(days=n))
    runs.recompute_all(AS_OF, chunk_size=5)
    before = kpi_rows()
    real = engine.recompute_range
    calls = {"n": 0}

    def dies_in_the_third(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise WorkerKilled
        return real(*args, **kwargs)

    TransactionFactory(customer=CustomerFactory(), occurred_on=AS_OF)  # a change meanwhile
    crash = mock.patch.object(engine, "recompute_range", dies_in_the_third)
    with crash, pytest.raises(WorkerKilled):
        runs.recompute_all(AS_OF, chunk_size=5)
    assert kpi_rows()[:30] == before  # no half-written chunk is visible
    assert KPIRun.objects.filter(status="failed").count() == 1  # and the lock is free

    runs.recompute_all(AS_OF, chunk_size=5)  # the next run completes
    after = kpi_rows()
    CustomerKPI.objects.all().delete()
    runs.recompute_all(AS_OF, chunk_size=5)
    assert after == kpi_rows()  # exactly what one clean run gives
    assert len(after) == 31


@pytest.fixture
def book(rep_a):
    ToleranceRule.objects.all().delete()
    rule(name="No purchase for long")
    rule(name="Quiet", kpi="days_since_contact", yellow_bound=90, red_bound=180)
    for n in range(6):
        with_kpis(CustomerFactory(owner=rep_a), recency_days=400 + n, days_since_contact=200)


def test_an_evaluation_killed_after_writing_its_alerts_writes_nothing_and_the_next_runs_once(
    book,
):
    def dies_before_the_colours(*args, **kwargs):
        raise WorkerKilled

    crash = mock.patch.object(evaluation, "refresh_alert_ranks", dies_before_the_colours)
    with crash, pytest.raises(WorkerKilled):
        evaluation.evaluate(1, now=NOW)
    written = (Alert.objects.count(), AlertEvent.objects.count(), Notification.objects.count())
    assert written == (0, 0, 0)

    evaluation.evaluate(1, now=NOW)  # the task is redelivered and runs again
    evaluation.evaluate(1, now=NOW)  # and once more: nothing changes
    assert Alert.objects.count() == 12  # 6 customers x 2 rules, each once
    assert AlertEvent.objects.count() == 12
    assert Notification.objects.count() == 1  # one mail to the owner, not two
