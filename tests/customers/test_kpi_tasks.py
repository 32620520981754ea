import datetime as dt
import os
import signal
import subprocess
import threading
import time

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from customers.kpis import runs
from customers.models import CustomerKPI, KPIRun
from customers.tasks import recompute_all_kpis
from tests.factories import CustomerFactory, TransactionFactory
from tests.workers import running_workers

AS_OF = dt.date(2026, 6, 30)


def book(customers: int) -> None:
    for n in range(customers):
        customer = CustomerFactory(number=f"T-{n:03d}")
        for i in range(n % 4):
            TransactionFactory(customer=customer, occurred_on=AS_OF - dt.timedelta(days=40 * i + n))


def kpi_rows() -> list[dict]:
    return [
        {k: v for k, v in row.items() if k != "computed_at"}
        for row in CustomerKPI.objects.order_by("customer_id").values()
    ]


def wait_for_the_end_of(run_id: int, failure: str, seconds: int = 120) -> None:
    deadline = time.monotonic() + seconds
    while KPIRun.objects.get(pk=run_id).status == "running":
        assert time.monotonic() < deadline, failure
        time.sleep(0.2)


def wait_until_waiting_for_a_lock(statement: str, seconds: int = 60) -> None:
    """Until a statement containing ``statement`` waits for a lock in the database."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND query LIKE %s",
                [f"%{statement}%"],
            )
            if cursor.fetchone()[0]:
                return
            assert time.monotonic() < deadline, f"nothing waits on a lock in {statement}"
            time.sleep(0.2)


def kill_pool_children(worker) -> int:
    """SIGKILL the process(es) a prefork worker runs its tasks in, as the OOM killer would."""
    children = subprocess.run(
        ["pgrep", "-P", str(worker.pid)], capture_output=True, text=True
    ).stdout.split()
    for pid in children:
        os.kill(int(pid), signal.SIGKILL)
    return len(children)


@pytest.mark.django_db
def test_the_full_run_task_shares_chunks_and_finishes():
    book(12)
    run_id = recompute_all_kpis.delay(AS_OF.isoformat(), chunk_size=5).get()
    run = KPIRun.objects.get(pk=run_id)
    assert (run.status, run.chunks, run.chunks_done, run.rows_written) == ("finished", 3, 3, 12)
    assert CustomerKPI.objects.count() == 12


@pytest.mark.django_db
def test_a_chunk_delivered_twice_writes_its_customers_once():
    book(12)
    runs.recompute_all(AS_OF, chunk_size=5)
    once = kpi_rows()
    ids = sorted(CustomerKPI.objects.values_list("customer_id", flat=True))
    run = runs.begin_full_run(AS_OF, [(ids[0], ids[4]), (ids[5], ids[-1])])
    assert runs.run_chunk(run.pk, ids[0], ids[4]) == 5
    assert runs.run_chunk(run.pk, ids[0], ids[4]) == 5  # the broker delivered it again
    runs.run_chunk(run.pk, ids[5], ids[-1])
    runs.finish_full_run(run.pk)
    assert kpi_rows() == once


@pytest.mark.django_db
def test_the_task_skips_while_another_full_run_holds_the_lock():
    runs.start_full_run(AS_OF)
    assert recompute_all_kpis.delay(AS_OF.isoformat()).get() is None


@pytest.mark.django_db
def test_logging_a_transaction_recomputes_that_customer_after_commit(
    client_a, customer_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(
            reverse("customers:transaction_create", args=[customer_a.number]),
            {"kind": "order", "occurred_on": "2026-11-02", "amount": "80.00", "currency": "EUR"},
        )
    kpi = CustomerKPI.objects.get(customer=customer_a)
    assert (kpi.frequency, str(kpi.monetary_total)) == (1, "80.00")
    assert KPIRun.objects.get().kind == "incremental"


@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True)
def test_two_workers_share_a_full_run_and_give_the_same_rows_as_one():
    book(40)
    runs.recompute_all(AS_OF)
    single = kpi_rows()
    CustomerKPI.objects.all().delete()
    with running_workers(2) as workers:
        run_id = recompute_all_kpis.delay(AS_OF.isoformat(), chunk_size=4).get(timeout=60)
        wait_for_the_end_of(run_id, "the shared run did not finish")
        if workers:
            assert all(w.poll() is None for w in workers)
    run = KPIRun.objects.get(pk=run_id)
    assert (run.status, run.chunks, run.chunks_done) == ("finished", 10, 10)
    assert kpi_rows() == single


@pytest.mark.django_db(transaction=True)
def test_chunks_on_two_connections_give_the_same_rows_as_one():
    book(40)
    runs.recompute_all(AS_OF, chunk_size=4)
    single = kpi_rows()
    CustomerKPI.objects.all().delete()
    run = runs.recompute_all(AS_OF, chunk_size=4, workers=2)
    assert (run.status, run.chunks, run.chunks_done, run.rows_written) == ("finished", 10, 10, 40)
    assert kpi_rows() == single


@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True)
def test_two_workers_on_two_queues_each_take_a_share_of_the_chunks():
    book(40)
    with running_workers(2, own_chunk_queues=True) as workers:
        run_id = recompute_all_kpis.delay(AS_OF.isoformat(), chunk_size=4).get(timeout=60)
        wait_for_the_end_of(run_id, "the shared run did not finish")
    run = KPIRun.objects.get(pk=run_id)
    assert (run.status, run.chunks_done, run.rows_written) == ("finished", 10, 40)
    if workers:
        # Round-robin over the two queues, one worker on each: five chunks apiece.
        assert sorted(run.chunks_by_worker.values()) == [5, 5]
        assert len(run.chunks_by_worker) == 2
    else:  # the embedded default: the chunks ran eagerly in this process
        assert sum(run.chunks_by_worker.values()) == 10


@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_in_the_middle_of_a_chunk_does_not_stop_the_run():
    book(40)
    runs.recompute_all(AS_OF)
    clean = kpi_rows()
    CustomerKPI.objects.all().delete()
    with running_workers(1, pool="prefork") as workers:
        if not workers:  # the embedded default: no process to kill; the run itself
            recompute_all_kpis.delay(AS_OF.isoformat(), chunk_size=4)
            assert kpi_rows() == clean
            return
        blocker = connections.create_connection("default")
        blocker.set_autocommit(False)
        with blocker.cursor() as cursor:  # the chunks read touchpoints: make them wait
            cursor.execute("LOCK TABLE customers_interaction IN ACCESS EXCLUSIVE MODE")
        run_id = recompute_all_kpis.delay(AS_OF.isoformat(), chunk_size=4).get(timeout=60)
        wait_until_waiting_for_a_lock("INSERT INTO customers_customerkpi_next")
        assert kill_pool_children(workers[0]) == 1
        blocker.rollback()
        blocker.close()
        wait_for_the_end_of(run_id, "the run did not finish after the kill")
    run = KPIRun.objects.get(pk=run_id)
    assert (run.status, run.chunks_done, run.rows_written) == ("finished", 10, 40)
    assert kpi_rows() == clean  # the killed chunk was done again, once


@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_in_the_middle_of_an_evaluation_opens_each_alert_and_mail_once(rep_a):
    from alerts.evaluation import LOCK_KEY
    from alerts.models import Alert, AlertEvent, Notification, ToleranceRule
    from alerts.tasks import evaluate_alerts
    from tests.alerts.test_evaluation import rule, with_kpis

    ToleranceRule.objects.all().delete()
    rule(name="No purchase for long")
    for n in range(6):
        with_kpis(CustomerFactory(owner=rep_a), recency_days=400 + n)
    run = KPIRun.objects.create(  # as of today: a run that mails (an older one replays)
        kind="full", status="finished", as_of=timezone.localdate(), started_at=timezone.now()
    )
    with running_workers(1, pool="prefork") as workers:
        if workers:
            blocker = connections.create_connection("default")
            blocker.set_autocommit(False)
            with blocker.cursor() as cursor:  # the evaluation's lock: it will wait for it
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        evaluate_alerts.delay(run.pk)
        if workers:
            wait_until_waiting_for_a_lock("pg_advisory_xact_lock")  # mid-transaction
            assert kill_pool_children(workers[0]) == 1
            blocker.rollback()
            blocker.close()
            deadline = time.monotonic() + 120
            while not Alert.objects.exists():
                assert time.monotonic() < deadline, "the evaluation was not done again"
                time.sleep(0.2)
            time.sleep(1)
    assert Alert.objects.count() == 6
    assert AlertEvent.objects.count() == 6
    assert Notification.objects.count() == 1  # one mail to the owner


@pytest.mark.django_db(transaction=True)
def test_two_full_runs_started_at_once_give_one_runs_result():
    book(40)
    runs.recompute_all(AS_OF, chunk_size=4)
    clean = kpi_rows()
    CustomerKPI.objects.all().delete()
    if connection.vendor != "postgresql":  # one writer at a time: the lock alone decides
        runs.start_full_run(AS_OF)
        with pytest.raises(runs.RecomputeAlreadyRunning):
            runs.start_full_run(AS_OF)
        return
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def one_run() -> None:
        try:
            start.wait()
            runs.recompute_all(AS_OF, chunk_size=4)
            outcomes.append("finished")
        except runs.RecomputeAlreadyRunning:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == ["finished", "refused"]
    assert kpi_rows() == clean
    assert KPIRun.objects.filter(kind="full", status="finished").count() == 2  # + the clean one
