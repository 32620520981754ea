"""The contact cadence in the KPI engine: when the next contact is due, and by how many
days it is overdue, as of AS_OF (both databases)."""

import datetime as dt
from decimal import Decimal

import pytest

from agenda.models import ContactCadence
from alerts.evaluation import evaluate
from alerts.models import Alert, ToleranceRule
from customers.kpis import runs
from customers.models import CustomerKPI
from tests.factories import ContactFactory, CustomerFactory, InteractionFactory, TransactionFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)


def touch(customer, day: str, channel: str = "phone", contact=None):
    return InteractionFactory(
        customer=customer,
        contact=contact,
        channel=channel,
        occurred_at=dt.datetime.fromisoformat(f"{day}T10:00:00+00:00"),
    )


def due(customer) -> tuple:
    kpi = CustomerKPI.objects.get(customer=customer)
    return kpi.contact_due_on, kpi.contact_overdue_days


@pytest.fixture(autouse=True)
def cadences():
    """Every customer every 90 days; insurance once a year in person; class A monthly."""
    ContactCadence.objects.all().delete()
    ContactCadence.objects.create(name="Everybody", interval_days=90)
    ContactCadence.objects.create(name="Insurance", industry="insurance", interval_days=365,
                                  in_person=True)  # fmt: skip
    ContactCadence.objects.create(name="Key accounts", value_class="A", interval_days=30)


def test_the_earliest_applicable_cadence_sets_the_due_date():
    insurer = CustomerFactory(industry="insurance")
    touch(insurer, "2026-06-01")  # the phone call keeps the 90-day cadence happy ...
    touch(insurer, "2025-06-01", channel="visit")  # ... but the last visit is a year old
    trader = CustomerFactory(industry="wholesale")
    touch(trader, "2026-05-01", contact=ContactFactory(customer=trader))  # via a person
    runs.recompute_all(AS_OF)
    assert due(insurer) == (dt.date(2026, 6, 1), 29)
    assert due(trader) == (dt.date(2026, 7, 30), 0)


def test_a_value_class_cadence_applies_to_its_class_only():
    buyer = CustomerFactory()  # the only buyer takes all revenue: class A
    TransactionFactory(customer=buyer, occurred_on=dt.date(2026, 6, 1), amount=Decimal("1000"))
    touch(buyer, "2026-06-10")
    prospect = CustomerFactory()  # class C
    touch(prospect, "2026-06-10")
    runs.recompute_all(AS_OF)
    assert CustomerKPI.objects.get(customer=buyer).value_class == "A"
    assert due(buyer) == (dt.date(2026, 7, 10), 0)
    assert due(prospect) == (dt.date(2026, 9, 8), 0)


def test_any_touch_restarts_the_clock():
    customer = CustomerFactory()
    touch(customer, "2026-03-01")
    runs.recompute_all(AS_OF)
    assert due(customer) == (dt.date(2026, 5, 30), 31)
    touch(customer, "2026-06-30", channel="email", contact=ContactFactory(customer=customer))
    runs.recompute_customers([customer.pk], AS_OF)
    assert due(customer) == (dt.date(2026, 9, 28), 0)


def test_the_customers_own_interval_replaces_the_cadences():
    customer = CustomerFactory(industry="insurance", contact_interval_days=10)
    touch(customer, "2026-06-01")
    runs.recompute_all(AS_OF)
    assert due(customer) == (dt.date(2026, 6, 11), 19)


def test_an_opted_out_customer_is_never_due():
    customer = CustomerFactory(contact_opt_out=True)
    runs.recompute_all(AS_OF)
    assert due(customer) == (None, None)


def test_without_any_touch_the_clock_starts_at_customer_since():
    customer = CustomerFactory(customer_since=dt.date(2026, 1, 1))
    runs.recompute_all(AS_OF)
    assert due(customer) == (dt.date(2026, 4, 1), 90)


def test_without_a_cadence_nothing_is_due():
    ContactCadence.objects.all().delete()
    customer = CustomerFactory()
    touch(customer, "2026-01-01")
    runs.recompute_all(AS_OF)
    assert due(customer) == (None, None)


def test_a_tolerance_rule_alerts_on_contact_overdue_days():
    ToleranceRule.objects.all().delete()
    ToleranceRule.objects.create(name="Contact overdue", kpi="contact_overdue_days",
                                 direction="too_high", yellow_bound=1, red_bound=30,
                                 guidance="Call today.")  # fmt: skip
    late = CustomerFactory(customer_since=dt.date(2026, 1, 1))  # 90 days overdue
    slightly = CustomerFactory()
    touch(slightly, "2026-03-26")  # due 2026-06-24: 6 days overdue
    on_time = CustomerFactory()
    touch(on_time, "2026-06-01")
    run = runs.recompute_all(AS_OF)
    evaluate(run.pk)
    levels = dict(Alert.objects.values_list("customer__number", "level"))
    assert levels == {late.number: "red", slightly.number: "yellow"}
