"""Random input, fixed invariants (hypothesis): the KPI engine against an independent
pandas computation on random histories, and the importer's all-or-nothing promise on
random files with broken rows. Bounded example counts keep the suite fast."""

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customers.imports import ImportFailed, run_import
from customers.kpis import runs
from customers.models import CustomerKPI, Transaction
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)
PURCHASE = {"order", "invoice", "contract"}
REDUCTION = {"return", "credit_note"}
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

transaction_rows = st.lists(
    st.tuples(
        st.sampled_from(sorted(PURCHASE | REDUCTION)),
        st.integers(min_value=-5, max_value=900),  # days before AS_OF; negative: after it
        st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False),
    ),
    max_size=14,
)


def expected_kpis(rows: list[tuple[str, int, Decimal]]) -> dict:
    """The minimal four, straight from the definitions, with pandas."""
    frame = pd.DataFrame(rows, columns=["kind", "days_before", "amount"])
    frame = frame[frame["days_before"] >= 0]  # nothing after the as-of date counts
    purchases = frame[frame["kind"].isin(PURCHASE)]
    reductions = frame[frame["kind"].isin(REDUCTION)]
    in_12m = frame["days_before"] < 365
    last = purchases["days_before"].min() if len(purchases) else None
    return {
        "frequency": len(purchases),
        "frequency_12m": int((frame["kind"].isin(PURCHASE) & in_12m).sum()),
        "contracts": int((frame["kind"] == "contract").sum()),
        "recency_days": None if last is None else int(last),
        "monetary_total": sum(purchases["amount"], Decimal(0))
        - sum(reductions["amount"], Decimal(0)),
        "revenue_12m": sum(frame[frame["kind"].isin(PURCHASE) & in_12m]["amount"], Decimal(0))
        - sum(frame[frame["kind"].isin(REDUCTION) & in_12m]["amount"], Decimal(0)),
    }


@FUZZ
@given(histories=st.lists(transaction_rows, min_size=1, max_size=3))
def test_kpis_of_random_histories_equal_an_independent_computation(histories):
    with transaction.atomic():
        customers = []
        for n, rows in enumerate(histories):
            customer = CustomerFactory(number=f"F-{n}", customer_since=None)
            Transaction.objects.bulk_create(
                Transaction(
                    customer=customer, kind=kind, occurred_on=AS_OF - dt.timedelta(days=days),
                    amount=amount, source="fuzz", external_ref=f"{n}-{i}",
                )
                for i, (kind, days, amount) in enumerate(rows)
            )  # fmt: skip
            customers.append(customer)
        runs.recompute_customers([c.pk for c in customers], AS_OF)
        for customer, rows in zip(customers, histories, strict=True):
            kpi = CustomerKPI.objects.get(customer=customer)
            ours = {name: getattr(kpi, name) for name in expected_kpis(rows)}
            assert ours == expected_kpis(rows), rows
        transaction.set_rollback(True)


def csv_of(rows: list[dict]) -> bytes:
    header = "customer_number,kind,occurred_on,amount,external_ref\n"
    lines = [
        f"{r['customer_number']},{r['kind']},{r['occurred_on']},{r['amount']},{r['external_ref']}"
        for r in rows
    ]
    return (header + "\n".join(lines) + "\n").encode()


good_row = st.fixed_dictionaries(
    {
        "customer_number": st.sampled_from(["K-1", "K-2"]),
        "kind": st.sampled_from(sorted(PURCHASE | REDUCTION)),
        "occurred_on": st.dates(dt.date(2020, 1, 1), dt.date(2026, 6, 30)).map(str),
        "amount": st.decimals(min_value=0, max_value=10**6, places=2).map(str),
    }
)
breakage = st.sampled_from(
    [
        ("kind", "gift"),
        ("occurred_on", "2026-02-30"),
        ("occurred_on", "yesterday"),
        ("amount", "-5.00"),
        ("amount", "1.234"),
        ("amount", "ten"),
        ("customer_number", ""),
    ]
)


@FUZZ
@given(
    rows=st.lists(good_row, min_size=1, max_size=25),
    broken=st.lists(st.tuples(st.integers(min_value=0, max_value=24), breakage), max_size=3),
)
def test_a_file_with_any_broken_row_writes_nothing_and_names_each_bad_line(rows, broken):
    for index, row in enumerate(rows):
        row["external_ref"] = f"R-{index}"
    bad_lines = set()
    for index, (field, value) in broken:
        if index < len(rows):
            rows[index][field] = value
            bad_lines.add(index + 2)  # the header is line 1
    with transaction.atomic():
        CustomerFactory(number="K-1")
        CustomerFactory(number="K-2")
        try:
            result = run_import("transactions", csv_of(rows), "fuzz.csv", recompute=False)
        except ImportFailed as failed:
            assert bad_lines, failed
            assert {p.line for p in failed.problems} == bad_lines
            assert Transaction.objects.count() == 0
        else:
            assert not bad_lines
            assert result.created == len(rows) == Transaction.objects.count()
        transaction.set_rollback(True)
