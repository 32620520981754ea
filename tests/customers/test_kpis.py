"""Exact KPI values on small hand-built histories, as of AS_OF (windows (D-N, D])."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from customers.kpis import runs
from customers.models import CustomerKPI, KPIRun
from tests.factories import ContactFactory, CustomerFactory, InteractionFactory, TransactionFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)  # D-90 = 2026-04-01, D-365 = 2025-06-30, D-730 = 2024-06-30
BERLIN = ZoneInfo("Europe/Berlin")


def at(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=BERLIN)


def tx(customer, kind: str, day: str, amount: str, due: str | None = None, paid: str | None = None):
    return TransactionFactory(
        customer=customer,
        kind=kind,
        occurred_on=dt.date.fromisoformat(day),
        amount=Decimal(amount),
        due_on=dt.date.fromisoformat(due) if due else None,
        paid_on=dt.date.fromisoformat(paid) if paid else None,
    )


def kpis_of(customer) -> CustomerKPI:
    return CustomerKPI.objects.get(customer=customer)


@pytest.fixture
def steady_customer():
    """Five purchases over two years, a return, a late and an unpaid invoice, and touches
    on the customer and on a contact person, some on the window boundaries."""
    customer = CustomerFactory(customer_since=dt.date(2020, 1, 1))
    tx(customer, "contract", "2024-07-01", "1000.00")  # prior 12 months
    tx(customer, "invoice", "2025-06-30", "100.00", "2025-07-30", "2025-07-30")  # D-365: prior
    tx(customer, "invoice", "2025-07-01", "200.00", "2025-07-31", "2025-08-10")  # 10 days late
    tx(customer, "return", "2026-03-01", "50.00")
    tx(customer, "invoice", "2026-05-01", "400.00", "2026-05-31")  # unpaid, overdue
    tx(customer, "order", "2026-06-30", "300.00")  # on D: counts
    tx(customer, "order", "2026-07-01", "999.00")  # after D: ignored
    person = ContactFactory(customer=customer)
    InteractionFactory(  # 23:30 in Berlin is still D, though already 21:30 UTC
        customer=customer,
        contact=person,
        occurred_at=at("2026-06-30", 23, 30),
        direction="inbound",
        kind="complaint",
        rating="negative",
        satisfaction=2,
    )
    InteractionFactory(
        customer=customer, occurred_at=at("2026-04-02"), direction="inbound",
        kind="service_request", rating="neutral",
    )  # fmt: skip
    InteractionFactory(  # D-90: outside the 90 days, inside the 12 months
        customer=customer, occurred_at=at("2026-04-01"), rating="positive", satisfaction=5
    )
    InteractionFactory(customer=customer, occurred_at=at("2025-06-30"), rating="positive")
    InteractionFactory(customer=customer, occurred_at=at("2026-07-02"), rating="negative")
    return customer


def test_the_minimal_four(steady_customer):
    runs.recompute_all(AS_OF)
    k = kpis_of(steady_customer)
    assert k.as_of == AS_OF
    assert k.relationship_days == 2372  # since 2020-01-01, before the first purchase
    assert (k.first_purchase_on, k.last_purchase_on) == (dt.date(2024, 7, 1), AS_OF)
    assert k.recency_days == 0
    assert (k.last_reaction_on, k.reaction_recency_days) == (AS_OF, 0)
    assert (k.frequency, k.frequency_12m, k.contracts, k.contracts_12m) == (5, 3, 1, 0)
    assert k.monetary_total == Decimal("1950.00")  # 2000 purchases - 50 returned
    assert k.revenue_12m == Decimal("850.00")
    assert k.monetary_avg == Decimal("390.00")


def test_rhythm_trend_returns_and_payment(steady_customer):
    runs.recompute_all(AS_OF)
    k = kpis_of(steady_customer)
    assert k.purchase_interval_days == 182.25  # 729 days / 4 gaps
    assert k.recency_ratio == 0.0
    assert (k.revenue_prev_12m, k.frequency_prev_12m) == (Decimal("1100.00"), 2)
    assert k.revenue_trend_pct == pytest.approx(-22.727272727, abs=1e-6)
    assert k.frequency_trend_pct == 50.0
    assert k.return_ratio == pytest.approx(100 * 50 / 900)
    assert k.payment_delay_days == 10.0
    assert k.overdue_amount == Decimal("400.00")


def test_contact_kpis_roll_up_touches_on_contact_persons(steady_customer):
    runs.recompute_all(AS_OF)
    k = kpis_of(steady_customer)
    assert (k.last_contact_on, k.days_since_contact) == (AS_OF, 0)
    assert (k.contacts_90d, k.complaints_90d, k.service_requests_90d) == (2, 1, 1)
    assert k.dark_share_12m == pytest.approx(100 / 3)
    assert k.satisfaction_avg_12m == 3.5
    assert k.relationship_account == 0  # one gold, one dark in 12 months
    assert k.cost_to_serve == pytest.approx(2 * 1000 / 850)
    assert k.lifecycle_phase == "loyal"


def test_a_customer_without_history_is_a_prospect():
    customer = CustomerFactory(customer_since=None)
    runs.recompute_all(AS_OF)
    k = kpis_of(customer)
    assert k.lifecycle_phase == "prospect"
    assert (k.frequency, k.monetary_total, k.revenue_12m) == (0, Decimal("0"), Decimal("0"))
    assert k.relationship_days is None and k.recency_days is None
    assert k.monetary_avg is None and k.purchase_interval_days is None
    assert k.revenue_trend_pct is None and k.return_ratio is None
    assert k.last_contact_on is None and k.contacts_90d == 0
    assert (k.r_score, k.f_score, k.m_score, k.rfm_segment) == (None, None, None, None)
    assert k.value_class == "C"


def test_one_purchase_has_no_interval_and_is_new_for_90_days():
    customer = CustomerFactory(customer_since=None)
    tx(customer, "order", "2026-05-01", "80.00")
    runs.recompute_all(AS_OF)
    k = kpis_of(customer)
    assert (k.frequency, k.recency_days, k.relationship_days) == (1, 60, 60)
    assert k.purchase_interval_days is None and k.recency_ratio is None
    assert k.revenue_trend_pct is None  # nothing in the prior 12 months
    assert k.lifecycle_phase == "new"


@pytest.mark.parametrize(
    ("purchases", "phase", "recency_ratio"),
    [
        (["2025-05-01"], "lapsed", None),
        (["2024-01-01", "2024-02-01"], "terminated", 880 / 31),
        (["2025-12-01", "2025-12-31", "2026-01-30", "2026-03-01", "2026-03-31"], "at_risk",
         91 / 30),
    ],
)  # fmt: skip
def test_life_cycle_phases(purchases, phase, recency_ratio):
    customer = CustomerFactory(customer_since=None)
    for day in purchases:
        tx(customer, "order", day, "100.00")
    runs.recompute_all(AS_OF)
    k = kpis_of(customer)
    assert k.lifecycle_phase == phase
    assert k.recency_ratio == (pytest.approx(recency_ratio) if recency_ratio else None)


def test_a_growing_customer():
    customer = CustomerFactory(customer_since=None)
    tx(customer, "order", "2025-01-10", "100.00")
    tx(customer, "order", "2026-01-10", "100.00")
    tx(customer, "order", "2026-06-10", "100.00")
    runs.recompute_all(AS_OF)
    k = kpis_of(customer)
    assert (k.revenue_trend_pct, k.frequency_trend_pct) == (100.0, 100.0)
    assert k.lifecycle_phase == "growing"


@pytest.fixture
def ten_buyers():
    """Buyer n (1..10): n purchases, the last one 10 * (11 - n) days before D, and a
    12-month revenue that gives a clear ABC split."""
    revenue = [2, 3, 5, 10, 10, 20, 50, 100, 300, 500]
    buyers = []
    for n in range(1, 11):
        customer = CustomerFactory(number=f"B-{n:02d}", customer_since=None)
        last = AS_OF - dt.timedelta(days=10 * (11 - n))
        for i in range(n):
            amount = Decimal(revenue[n - 1]) if i == 0 else Decimal("0.00")
            tx(customer, "order", (last - dt.timedelta(days=i)).isoformat(), str(amount))
        buyers.append(customer)
    return buyers


def test_rfm_scores_are_quintiles_over_buying_customers(ten_buyers):
    CustomerFactory(number="P-1")  # a prospect takes no place in the quintiles
    runs.recompute_all(AS_OF)
    scores = list(
        CustomerKPI.objects.filter(customer__number__startswith="B-")
        .order_by("customer__number")
        .values_list("r_score", "f_score", "m_score")
    )
    assert [s[0] for s in scores] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert [s[1] for s in scores] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert [s[2] for s in scores] == [1, 1, 2, 2, 2, 3, 4, 4, 5, 5]  # 10 and 10 tie
    segments = dict(
        CustomerKPI.objects.values_list("customer__number", "rfm_segment__code").order_by()
    )
    assert segments["B-10"] == "champions"
    assert segments["B-01"] == "lost"
    assert segments["B-05"] == "need_attention"
    assert segments["P-1"] is None


def test_value_classes_split_12_month_revenue_80_15_5(ten_buyers):
    runs.recompute_all(AS_OF)
    classes = dict(CustomerKPI.objects.values_list("customer__number", "value_class"))
    assert [classes[f"B-{n:02d}"] for n in range(1, 11)] == list("CCCCCCBBAA")


def test_the_kpi_row_carries_the_objection_to_contact():
    objected = CustomerFactory(number="O-1", contact_opt_out=True)
    reachable = CustomerFactory(number="O-2")
    runs.recompute_all(AS_OF)
    assert (kpis_of(objected).contact_opt_out, kpis_of(reachable).contact_opt_out) == (True, False)


def test_customers_with_equal_revenue_share_a_value_class():
    # 400 + 300 make 70% of 1,000: the first 100 starts below the 80% mark, so every 100 is A.
    for number, amount in [("E-1", "400.00"), ("E-2", "300.00"), ("E-3", "100.00"),
                           ("E-4", "100.00"), ("E-5", "100.00"), ("E-6", "0.00")]:  # fmt: skip
        tx(CustomerFactory(number=number), "order", "2026-05-01", amount)
    runs.recompute_all(AS_OF)
    classes = dict(CustomerKPI.objects.values_list("customer__number", "value_class"))
    assert [classes[f"E-{n}"] for n in range(1, 7)] == list("AAAAAC")


def test_a_second_full_run_changes_nothing(steady_customer, ten_buyers):
    first = runs.recompute_all(AS_OF)
    before = list(CustomerKPI.objects.order_by("pk").values())
    second = runs.recompute_all(AS_OF)
    after = list(CustomerKPI.objects.order_by("pk").values())
    strip = [{k: v for k, v in row.items() if k != "computed_at"} for row in before]
    assert strip == [{k: v for k, v in row.items() if k != "computed_at"} for row in after]
    assert first.cuts == second.cuts
    assert KPIRun.objects.filter(status="finished", kind="full").count() == 2


def test_a_full_run_whose_cuts_moved_rescores_customers_it_did_not_touch(ten_buyers):
    runs.recompute_all(AS_OF)
    tx(ten_buyers[0], "order", "2026-06-29", "5000.00")  # B-01 now makes 83% of revenue
    runs.recompute_all(AS_OF)
    classes = dict(CustomerKPI.objects.values_list("customer__number", "value_class"))
    assert [classes[f"B-{n:02d}"] for n in range(1, 11)] == list("ACCCCCCCBB")


def test_an_incremental_run_touches_only_the_named_customers(steady_customer, ten_buyers):
    runs.recompute_all(AS_OF)
    untouched = CustomerKPI.objects.get(customer=ten_buyers[0]).computed_at
    tx(steady_customer, "order", "2026-06-29", "150.00")
    tx(ten_buyers[0], "order", "2026-06-29", "150.00")  # not named: stays as it was
    run = runs.recompute_customers([steady_customer.pk], AS_OF)
    assert (run.kind, run.customers, run.rows_written) == ("incremental", 1, 1)
    assert kpis_of(steady_customer).frequency == 6
    assert kpis_of(ten_buyers[0]).frequency == 1
    assert CustomerKPI.objects.get(customer=ten_buyers[0]).computed_at == untouched


def test_a_finished_month_keeps_the_state_of_its_last_run(steady_customer):
    runs.recompute_all(dt.date(2026, 5, 31))
    runs.recompute_all(dt.date(2026, 6, 15))
    assert [(s.month, s.frequency) for s in steady_customer.kpi_snapshots.all()] == [
        (dt.date(2026, 5, 1), 4)
    ]
    runs.recompute_all(AS_OF)
    runs.recompute_all(dt.date(2026, 7, 1))
    runs.recompute_all(dt.date(2026, 7, 2))
    snapshots = steady_customer.kpi_snapshots.order_by("month")
    assert [(s.month, s.frequency, s.last_purchase_on) for s in snapshots] == [
        (dt.date(2026, 5, 1), 4, dt.date(2026, 5, 1)),
        (dt.date(2026, 6, 1), 5, AS_OF),  # as of 2026-06-30, the last run in June
    ]


def test_two_full_runs_never_race():
    runs.start_full_run(AS_OF)
    with pytest.raises(runs.RecomputeAlreadyRunning):
        runs.start_full_run(AS_OF)


def test_a_run_that_died_releases_the_lock(settings):
    settings.KPI_RUN_STALE_AFTER_MINUTES = 0
    dead = runs.start_full_run(AS_OF)
    assert runs.start_full_run(AS_OF).status == "running"
    dead.refresh_from_db()
    assert dead.status == "failed"


def test_chunks_cover_every_customer_id_once():
    customers = [CustomerFactory() for _ in range(7)]
    ranges = runs.chunk_ranges(3)
    covered = [i for first, last in ranges for i in range(first, last + 1)]
    assert covered == list(range(customers[0].pk, customers[-1].pk + 1))
    assert len(ranges) == 3
