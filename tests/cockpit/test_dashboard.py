"""The cockpit's numbers equal an independent pandas computation over the same book."""

import datetime as dt
import json
from decimal import Decimal

import pandas as pd
import pytest
import time_machine
from django.contrib.auth import get_user_model

from cockpit import figures as cockpit_figures
from cockpit.dashboard import CockpitFilters, build_cockpit
from cockpit.models import PortfolioCell
from cockpit.portfolio import take_portfolio
from customers.bands import RECENCY_BANDS
from customers.demo import compute_demo_kpis, seed_demo_book
from customers.models import Customer, CustomerKPI, CustomerKPISnapshot, RFMSegment

AS_OF = dt.date(2026, 11, 26)


@pytest.fixture
def book(db, django_capture_on_commit_callbacks):
    """A demo book of 160 customers with KPIs as of two month-ends and today; each run
    followed by its alert evaluation and portfolio, as after commit in production."""
    with (
        time_machine.travel(dt.datetime(2026, 11, 26, 12, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        seed_demo_book(customers=160, seed=7, as_of=AS_OF)
        compute_demo_kpis(AS_OF, months_of_history=2)
    return AS_OF


def customers_frame() -> pd.DataFrame:
    kpis = pd.DataFrame(
        CustomerKPI.objects.values(
            "customer_id", "value_class", "rfm_segment_id", "lifecycle_phase", "frequency",
            "frequency_12m", "contracts_12m", "revenue_12m", "relationship_days",
            "reaction_recency_days",
        )
    )  # fmt: skip
    customers = pd.DataFrame(
        Customer.objects.values("id", "owner_id", "industry", "alert_rank")
    ).rename(columns={"id": "customer_id"})
    frame = customers.merge(kpis, on="customer_id", how="left")
    frame["revenue_12m"] = frame["revenue_12m"].map(lambda v: Decimal(v or 0))
    return frame


def narrowed(frame: pd.DataFrame, filters: CockpitFilters) -> pd.DataFrame:
    if filters.owner_id is not None:
        frame = frame[frame["owner_id"] == filters.owner_id]
    if filters.industry:
        frame = frame[frame["industry"] == filters.industry]
    if filters.value_class:
        frame = frame[frame["value_class"] == filters.value_class]
    if filters.segment_id is not None:
        frame = frame[frame["rfm_segment_id"] == filters.segment_id]
    return frame


def filter_cases() -> list[CockpitFilters]:
    rep = get_user_model().objects.get(username="rep1")
    loyal = RFMSegment.objects.get(code="loyal")
    return [
        CockpitFilters(),
        CockpitFilters(owner_id=rep.pk),
        CockpitFilters(industry="retail"),
        CockpitFilters(value_class="A"),
        CockpitFilters(segment_id=loyal.pk),
        CockpitFilters(owner_id=rep.pk, value_class="B"),
    ]


@pytest.mark.django_db
def test_headline_numbers_equal_an_independent_computation_per_filter(book):
    everyone = customers_frame()
    for filters in filter_cases():
        expected = narrowed(everyone, filters)
        cockpit = build_cockpit(filters)
        headline = cockpit.headline
        assert headline.customers == len(expected), filters
        assert headline.relationship_days_avg == pytest.approx(
            expected["relationship_days"].mean()
        ), filters
        reactions = expected["reaction_recency_days"].dropna().sort_values().astype(int)
        assert headline.reaction_recency_median == reactions.iloc[(len(reactions) - 1) // 2]
        assert Decimal(str(round(headline.revenue_per_customer, 6))) == pytest.approx(
            sum(expected["revenue_12m"]) / len(expected)
        )
        assert headline.purchases_per_customer == pytest.approx(
            expected["frequency_12m"].sum() / len(expected)
        )
        assert headline.contracts_per_customer == pytest.approx(
            expected["contracts_12m"].sum() / len(expected)
        )


@pytest.mark.django_db
def test_breakdowns_equal_an_independent_computation_per_filter(book):
    everyone = customers_frame()
    for filters in filter_cases():
        expected = narrowed(everyone, filters)
        cockpit = build_cockpit(filters)
        colours = expected["alert_rank"].map({0: "green", 1: "yellow", 2: "red"})
        # Whole numbers as they are (the API showed 1087.0 customers).
        assert {k: v["customers"] for k, v in cockpit.by_alert.items()} == (
            colours.value_counts().to_dict()
        ), filters
        assert all(type(v["customers"]) is int for v in cockpit.by_alert.values())
        phases = expected["lifecycle_phase"].value_counts().to_dict()
        assert cockpit.by_phase == phases
        segments = expected.groupby("rfm_segment_id", dropna=False).size()
        assert {k: v["customers"] for k, v in cockpit.by_segment.items()} == {
            (None if pd.isna(k) else int(k)): int(v) for k, v in segments.items()
        }
        classes = expected.groupby("value_class").size().to_dict()
        assert {k: v["customers"] for k, v in cockpit.by_value_class.items()} == classes
        bands = {band.key: 0 for band in RECENCY_BANDS}
        for days in expected["reaction_recency_days"]:
            bands[next(b.key for b in RECENCY_BANDS if in_band(days, b))] += 1
        assert cockpit.recency_bands == {k: v for k, v in bands.items() if v}
        owners = expected.groupby("owner_id", dropna=False).size()
        assert {row["owner_id"]: row["customers"] for row in cockpit.owners} == {
            (None if pd.isna(k) else int(k)): int(v) for k, v in owners.items()
        }


def in_band(days, band) -> bool:
    if pd.isna(days):
        return band.low is None
    return band.low is not None and days >= band.low and (band.high is None or days <= band.high)


@pytest.mark.django_db
def test_concentration_curve_points_lie_on_the_sorted_revenue_curve(book):
    cockpit = build_cockpit(CockpitFilters())
    revenues = sorted((float(r) for r in customers_frame()["revenue_12m"]), reverse=True)
    total = sum(revenues)
    for customer_share, revenue_share in cockpit.concentration:
        top = round(customer_share * len(revenues))
        assert revenue_share == pytest.approx(sum(revenues[:top]) / total)
    assert cockpit.concentration[-1] == pytest.approx((1.0, 1.0))


@pytest.mark.django_db
def test_segment_migration_counts_customers_per_segment_pair(book):
    cockpit = build_cockpit(CockpitFilters())
    before = pd.DataFrame(
        CustomerKPISnapshot.objects.filter(month=dt.date(2026, 10, 1)).values(
            "customer_id", "rfm_segment_id"
        )
    )
    now = pd.DataFrame(CustomerKPI.objects.values("customer_id", "rfm_segment_id"))
    pairs = before.merge(now, on="customer_id", suffixes=("_before", "_now"))
    expected = {
        (
            None if pd.isna(a) else int(a),
            None if pd.isna(b) else int(b),
        ): n
        for (a, b), n in pairs.groupby(
            ["rfm_segment_id_before", "rfm_segment_id_now"], dropna=False
        )
        .size()
        .items()
    }
    assert cockpit.migration_from == dt.date(2026, 10, 1)
    assert cockpit.migration == expected


@pytest.mark.django_db
def test_history_has_a_point_per_kpi_run_and_compares_with_the_previous_period(book):
    cockpit = build_cockpit(CockpitFilters(period="month"))
    assert [point["taken_on"] for point in cockpit.history] == [
        dt.date(2026, 9, 30),
        dt.date(2026, 10, 31),
        dt.date(2026, 11, 26),
    ]
    assert cockpit.previous_on == dt.date(2026, 10, 31) - dt.timedelta(days=31)
    assert cockpit.history[-1]["active_customers"] == int(
        (customers_frame()["frequency_12m"] > 0).sum()
    )
    a_year = build_cockpit(CockpitFilters(period="year"))
    assert (a_year.previous_on, a_year.history_from) == (None, dt.date(2026, 9, 30))


@pytest.mark.django_db
def test_taking_the_portfolio_twice_changes_nothing(book):
    def cells():
        return sorted(
            PortfolioCell.objects.values_list(
                "taken_on", "dimension", "member", "owner_id", "industry", "value_class",
                "rfm_segment_id", "customers", "revenue_12m", "red_alerts",
            ),
            key=repr,
        )  # fmt: skip

    before = cells()
    take_portfolio(AS_OF)
    assert cells() == before


@pytest.mark.django_db
def test_a_rep_sees_only_their_own_numbers(book, client):
    rep = get_user_model().objects.get(username="rep1")
    other = get_user_model().objects.get(username="rep2")
    client.force_login(rep)
    own = Customer.objects.filter(owner=rep).count()
    response = client.get("/cockpit/", {"owner": other.pk})
    assert response.status_code == 200
    assert response.context["cockpit"].filters.owner_id == rep.pk
    assert response.context["cockpit"].headline.customers == own
    assert [row["owner_id"] for row in response.context["cockpit"].owners] == [rep.pk]
    assert "owner" not in response.context["form"].fields


@pytest.mark.django_db
def test_a_manager_switches_to_any_rep(book, client):
    manager = get_user_model().objects.get(username="manager")
    rep = get_user_model().objects.get(username="rep2")
    client.force_login(manager)
    everyone = client.get("/cockpit/").context["cockpit"]
    assert everyone.headline.customers == Customer.objects.count()
    one_rep = client.get("/cockpit/", {"owner": rep.pk}).context["cockpit"]
    assert one_rep.headline.customers == Customer.objects.filter(owner=rep).count()
    # A bad value drops that filter alone, and the page says so.
    response = client.get("/cockpit/", {"owner": rep.pk, "segment": "none"})
    assert response.context["cockpit"].headline.customers == one_rep.headline.customers
    assert "Filter “RFM segment” left out: Select a valid choice." in response.content.decode()


@pytest.mark.django_db
def test_each_number_links_to_a_list_of_exactly_its_customers(book, client):
    client.force_login(get_user_model().objects.get(username="manager"))
    rep = get_user_model().objects.get(username="rep1")
    filters = CockpitFilters(owner_id=rep.pk)
    cockpit = build_cockpit(filters)

    def listed(url: str) -> int:
        return client.get(url).context["page"].paginator.count

    for band, customers in cockpit.recency_bands.items():
        assert listed(filters.list_url(recency=band)) == customers, band
    for phase, customers in cockpit.by_phase.items():
        assert listed(filters.list_url(phase=phase)) == customers, phase
    for colour, values in cockpit.by_alert.items():
        assert listed(filters.list_url(alert=colour)) == values["customers"], colour
    for rule_id, counts in cockpit.by_rule.items():
        assert listed(filters.list_url(alert_rule=rule_id)) == counts["red"] + counts["yellow"]
        for level in ("red", "yellow"):
            assert listed(filters.list_url(alert_rule=f"{rule_id}:{level}")) == counts[level]
    for (before, now), customers in cockpit.migration.items():
        url = filters.list_url(
            was_segment=before or "none", segment=now or "none",
            was_month=cockpit.migration_from.isoformat(),
        )  # fmt: skip
        assert listed(url) == customers, (before, now)
    row = next(row for row in cockpit.owners if row["owner_id"] == rep.pk)
    assert listed(row["urls"]["red"]) == row["red"]
    assert listed(row["urls"]["overdue"]) == row["overdue_contacts"]


@pytest.mark.django_db
def test_the_charts_link_to_lists_of_exactly_their_customers(book, client):
    client.force_login(get_user_model().objects.get(username="manager"))
    cockpit = build_cockpit(CockpitFilters())
    figures = cockpit_figures.all_figures(cockpit)

    def listed(url: str) -> int:
        return client.get(url).context["page"].paginator.count

    treemap = json.loads(figures["fig-segments"])["data"][0]
    # Its revenue scale reads as the amounts on the other charts (no "0.5M" in German).
    assert treemap["marker"]["colorbar"]["tickformat"] == ".3~s"
    counts = [values["customers"] for values in cockpit.by_segment.values() if values["customers"]]
    assert any("segment=none" in url for url in treemap["customdata"])
    root, *segments = treemap["customdata"]
    assert treemap["labels"][0] == "All customers"
    assert listed(root) == sum(counts)
    for url, customers in zip(segments, counts, strict=True):
        assert ".0" not in url and "nan" not in url, url
        assert listed(url) == customers, url
    # Legends above the plots (below, on a phone, they covered axis and slice labels), and
    # a right-hand axis with ticks of its own.
    for name in ("fig-customers-by-alert", "fig-revenue-by-alert", "fig-value-classes",
                 "fig-history"):  # fmt: skip
        layout = json.loads(figures[name])["layout"]
        assert (layout["legend"]["orientation"], layout["legend"]["y"]) == ("h", 1.02), name
        if "yaxis2" in layout:
            assert layout["yaxis2"]["tickmode"] == "auto", name
    migration = json.loads(figures["fig-migration"])
    assert migration["data"][0]["showscale"] is False  # the cells carry their counts
    assert migration["layout"]["yaxis"]["automargin"] is True
    active = json.loads(figures["fig-history"])["data"][1]
    assert listed(active["customdata"][-1]) == cockpit.history[-1]["active_customers"]


@pytest.mark.django_db
def test_taking_the_portfolio_of_an_empty_book_writes_nothing():
    assert take_portfolio(dt.date(2026, 6, 30)) == 0


def test_a_long_rule_name_wraps_on_the_alerts_chart_to_fit_a_phone():
    assert cockpit_figures._wrapped("Überfällig gemessen am üblichen Rhythmus") == (
        "Überfällig gemessen am<br>üblichen Rhythmus"
    )
    assert cockpit_figures._wrapped("Zahlt spät") == "Zahlt spät"
