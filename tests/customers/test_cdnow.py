"""Real data: the CDNOW cohort, checked against an independent pandas computation."""

import datetime as dt
import io
import os
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command

from customers.models import Customer, CustomerKPI, Transaction

pytestmark = pytest.mark.django_db

CDNOW = Path(
    os.environ.get("CDNOW_DIR", Path(__file__).resolve().parents[3] / "shared" / "data" / "cdnow")
)
AS_OF = dt.date(1998, 6, 30)


@pytest.fixture
def cdnow_master() -> Path:
    path = CDNOW / "CDNOW_master.txt"
    if not path.exists():
        pytest.skip(f"CDNOW data not found at {path} (../shared/data/cdnow, or set CDNOW_DIR)")
    return path


def independent_rfm(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(
        path, sep=r"\s+", skiprows=1, names=["id", "date", "cds", "value"], dtype={"id": str}
    )
    raw["date"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    grouped = raw.groupby("id").agg(
        last=("date", "max"), frequency=("date", "size"), monetary=("value", "sum")
    )
    grouped["recency_days"] = (pd.Timestamp(AS_OF) - grouped["last"]).dt.days
    grouped["monetary"] = grouped["monetary"].round(2)
    return grouped


def test_rfm_of_every_cdnow_customer_equals_pandas(cdnow_master):
    out = io.StringIO()
    call_command("import_transactions", cdnow_master, format="cdnow", no_recompute=True, stdout=out)
    assert "69659 rows read, 69659 created, 0 updated, 0 unchanged, 23570 customers created" in (
        out.getvalue()
    )
    call_command("recompute_kpis", as_of=AS_OF, stdout=out)

    expected = independent_rfm(cdnow_master)
    ours = pd.DataFrame.from_records(
        CustomerKPI.objects.values_list(
            "customer__number", "recency_days", "frequency", "monetary_total"
        ),
        columns=["id", "recency_days", "frequency", "monetary"],
        index="id",
    ).sort_index()
    assert len(ours) == len(expected) == 23570
    assert (ours["recency_days"] == expected["recency_days"]).all()
    assert (ours["frequency"] == expected["frequency"]).all()
    assert (ours["monetary"].astype(float).round(2) == expected["monetary"]).all()

    segments = CustomerKPI.objects.exclude(rfm_segment=None).count()
    by_class = {c: CustomerKPI.objects.filter(value_class=c).count() for c in "ABC"}
    assert segments == 23570  # every CDNOW customer bought: each falls in one segment
    assert sum(by_class.values()) == 23570


def test_importing_the_same_file_again_adds_nothing(cdnow_master, tmp_path):
    sample = tmp_path / "sample.txt"
    sample.write_text("".join(cdnow_master.read_text().splitlines(keepends=True)[:301]))
    call_command("import_transactions", sample, format="cdnow", stdout=io.StringIO())
    counts = (Customer.objects.count(), Transaction.objects.count())
    out = io.StringIO()
    call_command("import_transactions", sample, format="cdnow", stdout=out)
    assert (Customer.objects.count(), Transaction.objects.count()) == counts == (77, 300)
    assert "0 created, 0 updated, 300 unchanged, 0 customers created" in out.getvalue()


def test_the_sample_file_maps_to_the_master_customers(cdnow_master):
    sample = CDNOW / "CDNOW_sample.txt"
    call_command("import_transactions", sample, format="cdnow", stdout=io.StringIO())
    assert Customer.objects.count() == 2357
    assert Customer.objects.filter(number="00004").exists()
    assert Transaction.objects.count() == 6919
