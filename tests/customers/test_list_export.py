import csv
import io

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import CustomerKPI
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(rep_a, rep_b):
    for number, name, revenue, value_class in [
        ("E-1", "Alpha", 900, "A"),
        ("E-2", "Beta", 300, "B"),
        ("E-3", "Gamma", 50, "C"),
    ]:
        customer = CustomerFactory(number=number, name=name, owner=rep_a, industry="retail")
        CustomerKPI.objects.create(
            customer=customer, as_of="2026-11-26", computed_at=timezone.now(),
            revenue_12m=revenue, value_class=value_class,
            recency_days=10, frequency_12m=3, lifecycle_phase="loyal",
        )  # fmt: skip
    CustomerFactory(number="OTHER-1", owner=rep_b)


def test_the_csv_export_holds_the_filtered_sorted_list_with_its_kpis(client_a, rep_a, listed):
    response = client_a.get(
        reverse("customers:export", args=["csv"]), {"sort": "-revenue_12m", "value_class": ""}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    # utf-8-sig: the file starts with the byte-order mark Excel needs to read UTF-8
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0] == [
        "Number", "Name", "Value class", "Alert colour", "RFM segment", "Phase",
        "Recency", "Purchases, 12 months", "Net revenue, 12 months",
        "Industry", "Owner",
    ]  # fmt: skip
    assert [line[0] for line in lines[1:]] == ["E-1", "E-2", "E-3"]
    assert lines[1] == ["E-1", "Alpha", "A", "Green", "", "Loyal", "10", "3", "900.00",
                        "Retail", rep_a.get_full_name()]  # fmt: skip
    assert rep_a.get_full_name() not in ("", "rep_a")


def test_the_german_csv_export_opens_in_german_excel(client_a, listed):
    client_a.cookies["django_language"] = "de"
    response = client_a.get(reverse("customers:export", args=["csv"]), {"sort": "-revenue_12m"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0][:3] == ["Nummer", "Name", "Wertklasse"]
    assert lines[1][:9] == ["E-1", "Alpha", "A", "Grün", "", "Treu", "10", "3", "900,00"]


def test_the_excel_export_follows_the_filters_and_never_shows_others_customers(client_a, listed):
    response = client_a.get(reverse("customers:export", args=["xlsx"]), {"value_class": "B"})
    frame = pd.read_excel(io.BytesIO(response.content))
    assert frame["Number"].tolist() == ["E-2"]
    everything = pd.read_excel(
        io.BytesIO(client_a.get(reverse("customers:export", args=["xlsx"])).content)
    )
    assert "OTHER-1" not in everything["Number"].tolist()
    assert len(everything) == 3


def test_an_unknown_export_format_is_a_404(client_a, listed):
    assert client_a.get(reverse("customers:export", args=["pdf"])).status_code == 404


def test_a_list_longer_than_the_count_cap_says_so_instead_of_counting_all(
    client_manager, monkeypatch
):
    monkeypatch.setattr("customers.views.LIST_COUNT_CAP", 2)
    for _ in range(3):
        CustomerFactory()
    response = client_manager.get(reverse("customers:list"))
    assert "More than 2 customers: narrow the filters or sort to find the rest." in (
        response.content.decode()
    )
    assert len(response.context["page"]) == 3
    monkeypatch.setattr("customers.views.LIST_COUNT_CAP", 3)
    assert "3 customers" in client_manager.get(reverse("customers:list")).content.decode()


def test_every_kpi_of_the_listed_customers_exports(client_a, customer_a, customer_b):
    CustomerKPI.objects.create(customer=customer_a, as_of=timezone.localdate(),
                               computed_at=timezone.now(), recency_days=12, frequency=3,
                               value_class="A", lifecycle_phase="loyal")  # fmt: skip
    CustomerKPI.objects.create(customer=customer_b, as_of=timezone.localdate(),
                               computed_at=timezone.now(), lifecycle_phase="loyal")  # fmt: skip
    response = client_a.get(reverse("customers:export_kpis", args=["csv"]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["customer_number"], r["recency_days"], r["value_class"]) for r in rows] == [
        ("A-1", "12", "A")
    ]
    excel = pd.read_excel(io.BytesIO(client_a.get(reverse("customers:export_kpis",
                                                          args=["xlsx"])).content))  # fmt: skip
    assert list(excel["customer_number"]) == ["A-1"]
