"""The KPI cockpit's numbers: sums over the portfolio cube, read per filter and scope.

Everything here is a handful of GROUP BYs over PortfolioCell; only the median recency
reads customers (an exact median cannot be summed). The page caches the result per cube
generation (cockpit.views).
"""

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Max, Min, QuerySet, Sum
from django.urls import reverse

from cockpit.models import PortfolioCell
from cockpit.portfolio import migration_month
from customers.models import CustomerKPI, CustomerKPISnapshot

Dimension = PortfolioCell.Dimension
PERIOD_DAYS = {"month": 30, "quarter": 91, "year": 365}
SUMMED = [
    "customers",
    "buyers",
    "active_customers",
    "revenue_12m",
    "expected_revenue_12m",
    "relationship_days_sum",
    "relationship_days_count",
    "reaction_recency_sum",
    "reaction_recency_count",
    "purchases_12m",
    "contracts_12m",
    "overdue_contacts",
    "red_alerts",
    "yellow_alerts",
]


@dataclass(frozen=True)
class CockpitFilters:
    """What the cockpit shows: one owner's customers or all, narrowed by industry, value
    class and segment, compared with ``period`` before."""

    owner_id: int | None = None
    industry: str = ""
    value_class: str = ""
    segment_id: int | None = None
    period: str = "month"

    def cell_filter(self) -> dict:
        conditions: dict[str, object] = {}
        if self.owner_id is not None:
            conditions["owner_id"] = self.owner_id
        if self.industry:
            conditions["industry"] = self.industry
        if self.value_class:
            conditions["value_class"] = self.value_class
        if self.segment_id is not None:
            conditions["rfm_segment_id"] = self.segment_id
        return conditions

    def cache_key(self) -> str:
        return f"{self.owner_id}:{self.industry}:{self.value_class}:{self.segment_id}:{self.period}"

    def list_url(self, **more: object) -> str:
        """The customer list showing exactly the customers behind a number."""
        query = {
            "owner": self.owner_id,
            "industry": self.industry,
            "value_class": self.value_class,
            "segment": self.segment_id,
        } | more
        return (
            reverse("customers:list")
            + "?"
            + urlencode({key: value for key, value in query.items() if value not in (None, "")})
        )


def _totals(cells: QuerySet) -> dict[str, float]:
    sums = cells.aggregate(**{name: Sum(name) for name in SUMMED})
    return {name: float(value or 0) for name, value in sums.items()}


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


@dataclass
class Headline:
    customers: int
    relationship_days_avg: float | None
    reaction_recency_median: int | None
    reaction_recency_avg: float | None
    revenue_per_customer: float | None
    purchases_per_customer: float | None
    contracts_per_customer: float | None
    active_customers: int
    revenue_12m: float


def headline_from(totals: dict[str, float], median: int | None) -> Headline:
    customers = totals["customers"]
    return Headline(
        customers=int(customers),
        relationship_days_avg=_ratio(
            totals["relationship_days_sum"], totals["relationship_days_count"]
        ),
        reaction_recency_median=median,
        reaction_recency_avg=_ratio(
            totals["reaction_recency_sum"], totals["reaction_recency_count"]
        ),
        revenue_per_customer=_ratio(totals["revenue_12m"], customers),
        purchases_per_customer=_ratio(totals["purchases_12m"], customers),
        contracts_per_customer=_ratio(totals["contracts_12m"], customers),
        active_customers=int(totals["active_customers"]),
        revenue_12m=totals["revenue_12m"],
    )


def _median(values_sql: str, params: list) -> int | None:
    """The lower median of one integer column (the same on PostgreSQL and SQLite)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({values_sql}) v", params)
        (count,) = cursor.fetchone()
        if not count:
            return None
        cursor.execute(
            f"SELECT value FROM ({values_sql}) v ORDER BY value LIMIT 1 OFFSET %s",
            [*params, (count - 1) // 2],
        )
        return cursor.fetchone()[0]


def _customer_conditions(filters: CockpitFilters, alias: str) -> tuple[str, list]:
    """WHERE conditions on customer c and KPI-like row ``alias`` for the filters."""
    conditions, params = ["1 = 1"], []
    if filters.owner_id is not None:
        conditions.append("c.owner_id = %s")
        params.append(filters.owner_id)
    if filters.industry:
        conditions.append("c.industry = %s")
        params.append(filters.industry)
    if filters.value_class:
        conditions.append(f"{alias}.value_class = %s")
        params.append(filters.value_class)
    if filters.segment_id is not None:
        conditions.append(f"{alias}.rfm_segment_id = %s")
        params.append(filters.segment_id)
    return " AND ".join(conditions), params


def median_reaction_recency(filters: CockpitFilters) -> int | None:
    where, params = _customer_conditions(filters, "k")
    return _median(
        f"SELECT k.reaction_recency_days AS value FROM {CustomerKPI._meta.db_table} k "
        f"JOIN customers_customer c ON c.id = k.customer_id "
        f"WHERE k.reaction_recency_days IS NOT NULL AND {where}",
        params,
    )


def median_reaction_recency_in(month: dt.date, filters: CockpitFilters) -> int | None:
    """The same median at the end of ``month``, from the monthly KPI snapshots."""
    where, params = _customer_conditions(filters, "s")
    return _median(
        f"SELECT s.reaction_recency_days AS value FROM {CustomerKPISnapshot._meta.db_table} s "
        f"JOIN customers_customer c ON c.id = s.customer_id "
        f"WHERE s.month = %s AND s.reaction_recency_days IS NOT NULL AND {where}",
        [connection.ops.adapt_datefield_value(month), *params],
    )


@dataclass
class Cockpit:
    filters: CockpitFilters
    taken_on: dt.date | None
    headline: Headline | None = None
    previous_on: dt.date | None = None
    history_from: dt.date | None = None  # the first portfolio, when none is old enough
    previous: Headline | None = None
    recency_bands: dict[str, int] = field(default_factory=dict)
    by_alert: dict[str, dict[str, float]] = field(default_factory=dict)
    by_rule: dict[int, dict[str, int]] = field(default_factory=dict)
    by_phase: dict[str, int] = field(default_factory=dict)
    by_segment: dict[int | None, dict[str, float]] = field(default_factory=dict)
    by_value_class: dict[str, dict[str, float]] = field(default_factory=dict)
    concentration: list[tuple[float, float]] = field(default_factory=list)
    migration_from: dt.date | None = None
    migration: dict[tuple[int | None, int | None], int] = field(default_factory=dict)
    history: list[dict] = field(default_factory=list)
    owners: list[dict] = field(default_factory=list)

    def value_class_rows(self) -> list[dict]:
        """Customers, past and expected 12-month revenue per value class, A to C."""
        return [
            {"value_class": value_class, "url": self.filters.list_url(value_class=value_class)}
            | self.by_value_class[value_class]
            for value_class in ("A", "B", "C")
            if value_class in self.by_value_class
        ]


def latest_day() -> dt.date | None:
    return PortfolioCell.objects.aggregate(day=Max("taken_on"))["day"]


def generation() -> str:
    """Changes whenever the cube is taken again: the key of everything cached from it."""
    latest = PortfolioCell.objects.aggregate(day=Max("taken_on"), cell=Max("id"))
    return f"{latest['day']}:{latest['cell']}"


def _by_member(cells: QuerySet, *measures: str) -> dict[str, dict[str, float]]:
    """Each measure summed per member: counts stay whole numbers, amounts become floats."""
    rows = cells.values("member").annotate(**{m: Sum(m) for m in measures})
    return {
        row["member"]: {
            m: float(row[m]) if isinstance(row[m], Decimal) else (row[m] or 0) for m in measures
        }
        for row in rows
    }


def build_cockpit(filters: CockpitFilters) -> Cockpit:
    day = latest_day()
    cockpit = Cockpit(filters=filters, taken_on=day)
    if day is None:
        return cockpit
    cells = PortfolioCell.objects.filter(**filters.cell_filter())
    today = cells.filter(taken_on=day)
    cockpit.headline = headline_from(
        _totals(today.filter(dimension=Dimension.ALL)), median_reaction_recency(filters)
    )
    compare_to = day - dt.timedelta(days=PERIOD_DAYS[filters.period])
    previous_on = cells.filter(dimension=Dimension.ALL, taken_on__lte=compare_to).aggregate(
        day=Max("taken_on")
    )["day"]
    if previous_on is None:
        cockpit.history_from = cells.aggregate(day=Min("taken_on"))["day"]
    else:
        cockpit.previous_on = previous_on
        cockpit.previous = headline_from(
            _totals(cells.filter(dimension=Dimension.ALL, taken_on=previous_on)),
            median_reaction_recency_in(previous_on.replace(day=1), filters),
        )

    bands = _by_member(today.filter(dimension=Dimension.RECENCY), "customers")
    cockpit.recency_bands = {member: int(v["customers"]) for member, v in bands.items()}
    cockpit.by_alert = _by_member(
        today.filter(dimension=Dimension.ALERT), "customers", "revenue_12m"
    )
    rules = _by_member(today.filter(dimension=Dimension.RULE), "red_alerts", "yellow_alerts")
    cockpit.by_rule = {
        int(member): {"red": int(v["red_alerts"]), "yellow": int(v["yellow_alerts"])}
        for member, v in rules.items()
    }
    phases = _by_member(today.filter(dimension=Dimension.PHASE), "customers")
    cockpit.by_phase = {member: int(v["customers"]) for member, v in phases.items() if member}

    everyone = today.filter(dimension=Dimension.ALL)
    for row in everyone.values("rfm_segment_id").annotate(
        customers=Sum("customers"), revenue_12m=Sum("revenue_12m")
    ):
        cockpit.by_segment[row["rfm_segment_id"]] = {
            "customers": int(row["customers"]),
            "revenue_12m": float(row["revenue_12m"] or 0),
        }
    for row in everyone.values("value_class").annotate(
        customers=Sum("customers"),
        revenue_12m=Sum("revenue_12m"),
        expected_revenue_12m=Sum("expected_revenue_12m"),
    ):
        cockpit.by_value_class[row["value_class"]] = {
            "customers": int(row["customers"]),
            "revenue_12m": float(row["revenue_12m"] or 0),
            "expected_revenue_12m": float(row["expected_revenue_12m"] or 0),
        }
    cockpit.concentration = _concentration(today.filter(dimension=Dimension.CONCENTRATION))

    cockpit.migration_from = migration_month(day)
    for row in (
        today.filter(dimension=Dimension.MIGRATION)
        .values("member", "rfm_segment_id")
        .annotate(customers=Sum("customers"))
    ):
        source = int(row["member"]) if row["member"] else None
        cockpit.migration[(source, row["rfm_segment_id"])] = int(row["customers"])

    cockpit.history = [
        {
            "taken_on": row["taken_on"],
            "revenue_12m": float(row["revenue_12m"] or 0),
            "active_customers": int(row["active_customers"] or 0),
        }
        for row in cells.filter(dimension=Dimension.ALL, taken_on__gt=day - dt.timedelta(days=730))
        .values("taken_on")
        .annotate(revenue_12m=Sum("revenue_12m"), active_customers=Sum("active_customers"))
        .order_by("taken_on")
    ]
    cockpit.owners = _owner_rows(today, filters)
    return cockpit


def _concentration(cells: QuerySet) -> list[tuple[float, float]]:
    """(share of customers, share of revenue) from the top down: the concentration curve."""
    rows = sorted(
        (int(member), v["customers"], v["revenue_12m"])
        for member, v in _by_member(cells, "customers", "revenue_12m").items()
    )
    customers = sum(row[1] for row in rows)
    revenue = sum(row[2] for row in rows)
    points, seen, earned = [(0.0, 0.0)], 0.0, 0.0
    if not customers or revenue <= 0:
        return []
    for _rank, count, amount in rows:
        seen += count
        earned += amount
        points.append((seen / customers, earned / revenue))
    return points


def _owner_rows(today: QuerySet, filters: CockpitFilters) -> list[dict]:
    rows = {
        row["owner_id"]: {
            "owner_id": row["owner_id"],
            "customers": int(row["customers"]),
            "revenue_12m": Decimal(row["revenue_12m"] or 0),
            "overdue_contacts": int(row["overdue_contacts"]),
            "red": 0,
            "yellow": 0,
        }
        for row in today.filter(dimension=Dimension.ALL)
        .values("owner_id")
        .annotate(
            customers=Sum("customers"),
            revenue_12m=Sum("revenue_12m"),
            overdue_contacts=Sum("overdue_contacts"),
        )
    }
    for row in (
        today.filter(dimension=Dimension.ALERT, member__in=["red", "yellow"])
        .values("owner_id", "member")
        .annotate(customers=Sum("customers"))
    ):
        rows[row["owner_id"]][row["member"]] = int(row["customers"])
    users = get_user_model().objects.in_bulk([pk for pk in rows if pk is not None])
    for owner_id, row in rows.items():
        row["owner"] = users.get(owner_id)
        mine = replace(filters, owner_id=owner_id)
        row["urls"] = {
            "customers": mine.list_url(),
            "red": mine.list_url(alert="red"),
            "yellow": mine.list_url(alert="yellow"),
            "overdue": mine.list_url(contact_overdue="true"),
        }
    return sorted(rows.values(), key=lambda row: (-row["red"], -row["revenue_12m"]))
