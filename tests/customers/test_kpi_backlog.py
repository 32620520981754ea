"""The broker away while reps work: pages keep working, nothing entered is lost, and the
missed KPI and alert work is caught up when the broker is back."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerDown

from alerts.models import Alert
from customers.models import CustomerKPI, KPIBacklogEntry, Transaction
from customers.tasks import catch_up_kpi_backlog

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)


def broker_down():
    return mock.patch(
        "customers.tasks.recompute_customer_kpis.delay",
        side_effect=BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused."),
    )


@time_machine.travel(NOW, tick=False)
def test_a_transaction_saved_while_the_broker_is_down_is_caught_up_later(
    client_a, customer_a, django_capture_on_commit_callbacks
):
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            reverse("customers:transaction_create", args=[customer_a.number]),
            {"kind": "order", "occurred_on": "2025-10-01", "amount": "80.00", "currency": "EUR"},
        )
    assert response.status_code == 302  # the page worked
    assert Transaction.objects.filter(customer=customer_a).count() == 1  # nothing lost
    assert not CustomerKPI.objects.filter(customer=customer_a).exists()  # work missed...
    assert list(KPIBacklogEntry.objects.values_list("customer_id", flat=True)) == [
        customer_a.pk
    ]  # ...but kept

    # Within the first minute the queued task may still come: the catch-up leaves it.
    assert catch_up_kpi_backlog() == 0
    with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert catch_up_kpi_backlog() == 1
        assert catch_up_kpi_backlog() == 0  # once only
    kpi = CustomerKPI.objects.get(customer=customer_a)
    assert (kpi.frequency, str(kpi.monetary_total), kpi.recency_days) == (1, "80.00", 421)
    assert not KPIBacklogEntry.objects.exists()
    # The alert evaluation that follows every recompute ran too.
    alert = Alert.objects.get(customer=customer_a, rule__name="No purchase for a long time")
    assert alert.level == "red"


@time_machine.travel(NOW, tick=False)
def test_with_the_broker_up_the_recompute_clears_the_backlog(
    client_a, customer_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(
            reverse("customers:transaction_create", args=[customer_a.number]),
            {"kind": "order", "occurred_on": "2026-11-02", "amount": "80.00", "currency": "EUR"},
        )
    assert CustomerKPI.objects.get(customer=customer_a).frequency == 1
    assert not KPIBacklogEntry.objects.exists()
