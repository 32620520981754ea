import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from customers.kpis.catalogue import CATALOGUE
from customers.models import Customer, Transaction
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "customer_number,customer_name,kind,occurred_on,amount,currency,external_ref,due_on,paid_on\n"
)


def write(tmp_path, body: str, header: str = HEADER):
    path = tmp_path / "transactions.csv"
    path.write_text(header + body)
    return path


def test_a_csv_import_creates_customers_and_transactions(tmp_path):
    CustomerFactory(number="K-1", name="Bekannt GmbH")
    path = write(
        tmp_path,
        "K-1,,invoice,2026-01-15,1250.50,EUR,RE-1,2026-02-14,2026-02-20\n"
        "K-2,Neu AG,order,2026-02-01,99.90,,SHOP-7,,\n"
        "K-2,Neu AG,credit_note,2026-02-03,10.00,EUR,GS-1,,\n",
    )
    out = io.StringIO()
    call_command("import_transactions", path, format="csv", stdout=out)
    assert "3 rows read, 3 created, 0 updated, 0 unchanged, 1 customers created" in out.getvalue()
    assert Customer.objects.get(number="K-2").name == "Neu AG"
    invoice = Transaction.objects.get(external_ref="RE-1")
    assert (invoice.amount, invoice.source, str(invoice.paid_on)) == (
        Decimal("1250.50"),
        "csv",
        "2026-02-20",
    )
    call_command("import_transactions", path, format="csv", stdout=out)
    assert Transaction.objects.count() == 3


def test_a_bad_row_names_line_and_field_and_nothing_is_written(tmp_path):
    path = write(
        tmp_path,
        "K-1,,invoice,2026-01-15,100.00,EUR,RE-1,,\n"
        "K-1,,refund,2026-01-16,100.00,EUR,RE-2,,\n"
        "K-1,,invoice,2026-13-01,-5,EURO,RE-3,,\n",
    )
    with pytest.raises(CommandError) as error:
        call_command("import_transactions", path, format="csv", stdout=io.StringIO())
    message = str(error.value)
    assert "Nothing was imported. 4 problem(s)" in message
    assert "line 3, field kind: 'refund' is not one of" in message
    assert (
        "line 4, field occurred_on: '2026-13-01' is not a date (YYYY-MM-DD or DD.MM.YYYY)"
        in message
    )
    assert "line 4, field amount: '-5' is not an amount of zero or more" in message
    assert "line 4, field currency: 'EURO' is not an ISO code" in message
    assert Customer.objects.count() == 0 and Transaction.objects.count() == 0


def test_a_missing_column_is_named(tmp_path):
    path = write(tmp_path, "K-1,2026-01-15\n", header="customer_number,occurred_on\n")
    with pytest.raises(
        CommandError, match="line 1: missing column\\(s\\) kind, amount, external_ref"
    ):
        call_command("import_transactions", path, format="csv", stdout=io.StringIO())


def test_a_reference_twice_in_one_file_is_refused(tmp_path):
    path = write(
        tmp_path,
        "K-1,,invoice,2026-01-15,100.00,EUR,RE-1,,\nK-1,,invoice,2026-01-16,100.00,EUR,RE-1,,\n",
    )
    with pytest.raises(CommandError, match="line 3, field external_ref: 'RE-1' appears twice"):
        call_command("import_transactions", path, format="csv", stdout=io.StringIO())


def test_a_bad_cdnow_row_is_named(tmp_path):
    path = tmp_path / "cdnow.txt"
    path.write_text(" customer_id date cds value\n 00001 19970101 1 11.77\n 00002 1997XX12 1 x\n")
    with pytest.raises(CommandError) as error:
        call_command("import_transactions", path, format="cdnow", stdout=io.StringIO())
    assert "line 3, field date: expected YYYYMMDD" in str(error.value)
    assert "line 3, field dollar_value: expected a number >= 0" in str(error.value)


def test_the_kpi_export_has_one_column_per_catalogue_kpi(tmp_path):
    path = write(tmp_path, "K-1,,order,2026-01-15,100.00,EUR,O-1,,\n")
    call_command("import_transactions", path, format="csv", stdout=io.StringIO())
    call_command("recompute_kpis", "--as-of", "2026-06-30", stdout=io.StringIO())
    out = tmp_path / "kpis.csv"
    call_command("export_kpis", out, stdout=io.StringIO())
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == ["customer_number"] + [kpi.name for kpi in CATALOGUE]
    assert rows[0]["customer_number"] == "K-1"
    assert (rows[0]["recency_days"], rows[0]["frequency"], rows[0]["monetary_total"]) == (
        "166",
        "1",
        "100.00",
    )
    assert rows[0]["lifecycle_phase"] == "loyal"
    for name in ["relationship_days", "last_purchase_on", "frequency_12m", "monetary_avg",
                 "revenue_12m"]:  # fmt: skip
        assert name in rows[0]
