"""KPIs where reps work: the record shows them grouped with tooltips; the list sorts and
filters by them."""

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from customers.kpis import runs
from customers.templatetags.kpis import format_kpi
from tests.factories import CustomerFactory, TransactionFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 30)


@pytest.fixture
def book(rep_a):
    """Six of rep A's customers with 12-month revenue 100, 200, ... 600."""
    customers = []
    for n in range(1, 7):
        customer = CustomerFactory(number=f"R-{n}", name=f"Kunde {n}", owner=rep_a)
        TransactionFactory(
            customer=customer,
            occurred_on=TODAY - dt.timedelta(days=n * 10),
            amount=Decimal(100 * n),
        )
        customers.append(customer)
    runs.recompute_all(TODAY)
    return customers


@time_machine.travel(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC), tick=False)
def test_the_record_shows_value_colour_kpis_and_a_revenue_sparkline(client_a, book):
    response = client_a.get(book[5].get_absolute_url())
    content = response.content.decode()
    assert '<span class="badge class-a"' in content and "Value class A" in content
    assert '<dd data-kpi="revenue_12m">600.00 EUR</dd>' in content
    assert '<dd data-kpi="recency_days">60 days</dd>' in content
    assert 'title="Days since the last purchase."' in content  # the tooltip
    figure = json.loads(response.context["revenue_chart"])
    assert figure["data"][0]["y"][-2:] == [600.0, 0.0]  # bought 2026-05-01, nothing in June
    assert len(figure["data"][0]["y"]) == 24


def test_a_record_without_kpis_says_so(client_a, customer_a):
    content = client_a.get(customer_a.get_absolute_url()).content.decode()
    assert "Not computed yet" in content
    assert "No value class yet" in content


def test_the_list_sorts_by_a_kpi_both_ways(client_a, book):
    url = reverse("customers:list")
    numbers = [c.number for c in client_a.get(url, {"sort": "-revenue_12m"}).context["page"]]
    assert numbers == ["R-6", "R-5", "R-4", "R-3", "R-2", "R-1"]
    numbers = [c.number for c in client_a.get(url, {"sort": "recency_days"}).context["page"]]
    assert numbers == ["R-1", "R-2", "R-3", "R-4", "R-5", "R-6"]


def test_the_list_filters_by_value_class_segment_and_phase(client_a, book, customer_b):
    url = reverse("customers:list")
    a_customers = client_a.get(url, {"value_class": "A"}).context["page"]
    # 600 + 500 + 400 + 300 make 86% of 2100, the first 80% reached with 300
    assert [c.number for c in a_customers] == ["R-3", "R-4", "R-5", "R-6"]
    new = client_a.get(url, {"phase": "new"}).context["page"]
    assert [c.number for c in new] == ["R-1", "R-2", "R-3", "R-4", "R-5", "R-6"]
    segment = book[0].kpi.rfm_segment
    hits = client_a.get(url, {"segment": segment.pk}).context["page"]
    assert "R-1" in [c.number for c in hits] and customer_b.number not in str(hits)


def test_the_list_takes_a_fixed_number_of_queries(client_a, book, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client_a.get(reverse("customers:list"), {"sort": "-revenue_12m", "value_class": "A"})


def test_the_next_page_keeps_filters_and_sort(client_a, rep_a):
    for n in range(51):
        CustomerFactory(number=f"P-{n:02d}", owner=rep_a, industry="retail")
    content = client_a.get(
        reverse("customers:list"), {"industry": "retail", "sort": "-number"}
    ).content.decode()
    assert 'href="?industry=retail&amp;sort=-number&amp;page=2"' in content
    # A KPI column sorts the largest first on the first click, a name the alphabet.
    assert '<a href="?industry=retail&amp;sort=-revenue_12m">' in content
    assert '<a href="?industry=retail&amp;sort=name">' in content


def test_average_days_show_a_tenth_only_when_there_is_one():
    with translation.override("de"):
        assert format_kpi("payment_delay_days", 36.96) == "37 Tage"
        assert format_kpi("payment_delay_days", 31.54) == "31,5 Tage"
        assert format_kpi("recency_days", 1165) == "1.165 Tage"
    with translation.override("en"):
        assert format_kpi("payment_delay_days", 1.04) == "1 day"


def test_percentages_show_a_tenth_only_when_there_is_one():
    with translation.override("de"):
        assert format_kpi("revenue_trend_pct", -40.0) == "-40 %"
        assert format_kpi("revenue_trend_pct", 12.46) == "12,5 %"
        assert format_kpi("revenue_trend_pct", 0.04) == "0 %"


def test_the_list_sorts_by_segment_name_in_the_readers_language(client_a, rep_a):
    from customers.models import RFMSegment
    from tests.alerts.test_evaluation import with_kpis

    for number, code in [("S-1", "at_risk"), ("S-2", "champions"), ("S-3", "lost")]:
        segment = RFMSegment.objects.get(code=code)
        with_kpis(CustomerFactory(number=number, owner=rep_a), rfm_segment=segment)
    url = reverse("customers:list")

    def numbers(language: str, sort: str) -> list[str]:
        page = client_a.get(url, {"sort": sort}, HTTP_ACCEPT_LANGUAGE=language).context["page"]
        return [c.number for c in page]

    assert numbers("en", "segment") == ["S-1", "S-2", "S-3"]  # At risk, Champions, Lost
    assert numbers("de", "segment") == ["S-2", "S-1", "S-3"]  # Champions, Gefährdet, Verloren
    assert numbers("de", "-segment") == ["S-3", "S-1", "S-2"]


def test_the_list_filters_offer_all_as_their_empty_choice(client_a, rep_a):
    english = client_a.get(reverse("customers:list")).content.decode()
    german = client_a.get(reverse("customers:list"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<option value="" selected>All</option>' in english
    assert '<option value="" selected>Alle</option>' in german
    assert "---------" not in english + german
