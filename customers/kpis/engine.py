"""The KPI engine: every customer's KPIs as SQL over all customers at once.

One INSERT ... SELECT per chunk of customer ids aggregates transactions and interactions
(GROUP BY customer) and writes CustomerKPI rows: a full run into a fresh table that
customers/kpis/swap.py swaps in, the incremental path with ON CONFLICT into the live one.
Scores that depend on the whole book (R/F/M quintiles, value class) are then set by one
UPDATE against cut-offs computed in SQL over the written rows. The same SQL runs on
PostgreSQL and SQLite.

Windows are half-open: "12 months" is (as_of - 365 days, as_of]; nothing after as_of
counts. Life-cycle rules (first match wins):

    prospect    no purchase yet
    terminated  last purchase more than 730 days ago
    lapsed      last purchase more than 365 days ago
    new         first purchase less than 90 days ago
    at risk     recency at least twice the usual interval, or revenue trend -30% or worse
    growing     revenue trend +20% or better
    loyal       everybody else who buys
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.utils import timezone

from customers.choices import PURCHASE_KINDS, REDUCTION_KINDS, InteractionKind, LifecyclePhase
from customers.kpis.cadence import IN_PERSON_CHANNELS, CadenceColumns, cadence_expressions
from customers.kpis.predictive import PREDICTION_TABLE, value_class_basis
from customers.kpis.sql import date_param, days_between, distinct, id_in, ids_param
from customers.models import RFMSegment

TERMINATED_AFTER_DAYS = 730
LAPSED_AFTER_DAYS = 365
NEW_FOR_DAYS = 90
AT_RISK_RECENCY_RATIO = 2.0
AT_RISK_TREND_PCT = -30.0
GROWING_TREND_PCT = 20.0

KPI_TABLE = "customers_customerkpi"


def _in(values: Sequence[str]) -> str:
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


PURCHASE = _in(PURCHASE_KINDS)
REDUCTION = _in(REDUCTION_KINDS)


@dataclass(frozen=True)
class Cuts:
    """Cut-offs of a full run: score = 1 + the number of cuts a value is beyond."""

    recency: list[int]
    frequency: list[int]
    monetary: list[float]
    value_class_a: float | None
    value_class_b: float | None
    basis: str = "revenue_12m"  # the KPI the value class limits cut
    segment_map: str = ""  # segment_map_key() when the cuts were taken

    @classmethod
    def from_json(cls, data: dict) -> "Cuts | None":
        return cls(**data) if data else None

    def to_json(self) -> dict:
        return self.__dict__.copy()


def window_params(as_of: dt.date) -> dict[str, object]:
    ops = connection.ops
    return {
        "as_of": ops.adapt_datefield_value(as_of),
        "d90": ops.adapt_datefield_value(as_of - dt.timedelta(days=90)),
        "d365": ops.adapt_datefield_value(as_of - dt.timedelta(days=365)),
        "d730": ops.adapt_datefield_value(as_of - dt.timedelta(days=730)),
        "computed_at": ops.adapt_datetimefield_value(timezone.now()),
    }


# --- the aggregates ---------------------------------------------------------------------


def _materialized(order_by: str = "") -> str:
    """Keeps the database from flattening a subquery, so its per-row flags are computed
    once per row instead of once per aggregate that uses them. On PostgreSQL an ORDER BY
    that the index already delivers does it and keeps the rows sorted, so the GROUP BY
    above streams instead of hashing (OFFSET 0 would hide the order: a third slower)."""
    if connection.vendor == "postgresql":
        return f"ORDER BY {order_by}" if order_by else "OFFSET 0"
    return "LIMIT -1 OFFSET 0"


def _transaction_aggregate(customer_filter: str) -> str:
    delay = days_between("paid_on", "due_on")
    rows = f"""
        SELECT customer_id, occurred_on, amount,
            kind IN {PURCHASE} AS purchase,
            kind IN {REDUCTION} AS reduction,
            kind = 'contract' AS contract,
            occurred_on > %(d365)s AS in_12m,
            occurred_on > %(d730)s AND occurred_on <= %(d365)s AS in_prev_12m,
            CASE WHEN due_on IS NOT NULL AND paid_on IS NOT NULL AND paid_on <= %(as_of)s
                 THEN (CASE WHEN paid_on > due_on THEN {delay} ELSE 0 END) END AS delay,
            due_on < %(as_of)s AND (paid_on IS NULL OR paid_on > %(as_of)s) AS overdue
        FROM customers_transaction
        WHERE occurred_on <= %(as_of)s AND {customer_filter}
        {_materialized("customer_id, occurred_on")}
    """
    # FILTER skips the aggregate for rows that do not qualify: cheaper than CASE per row.
    return f"""
        SELECT customer_id,
            MIN(occurred_on) FILTER (WHERE purchase) AS first_purchase_on,
            MAX(occurred_on) FILTER (WHERE purchase) AS last_purchase_on,
            COUNT(*) FILTER (WHERE purchase) AS frequency,
            COUNT(*) FILTER (WHERE purchase AND in_12m) AS frequency_12m,
            COUNT(*) FILTER (WHERE purchase AND in_prev_12m) AS frequency_prev_12m,
            COUNT(*) FILTER (WHERE contract) AS contracts,
            COUNT(*) FILTER (WHERE contract AND in_12m) AS contracts_12m,
            SUM(amount) FILTER (WHERE purchase) AS gross_total,
            SUM(amount) FILTER (WHERE reduction) AS reductions_total,
            SUM(amount) FILTER (WHERE purchase AND in_12m) AS gross_12m,
            SUM(amount) FILTER (WHERE reduction AND in_12m) AS reductions_12m,
            SUM(amount) FILTER (WHERE purchase AND in_prev_12m) AS gross_prev_12m,
            SUM(amount) FILTER (WHERE reduction AND in_prev_12m) AS reductions_prev_12m,
            AVG(delay) FILTER (WHERE purchase AND in_12m) AS payment_delay_days,
            SUM(amount) FILTER (WHERE purchase AND overdue) AS overdue_amount
        FROM ({rows}) tx
        GROUP BY customer_id
    """


def _interaction_aggregate(customer_filter: str) -> str:
    in_90d = "occurred_on > %(d90)s"
    in_12m = "occurred_on > %(d365)s"
    complaint, service = InteractionKind.COMPLAINT.value, InteractionKind.SERVICE_REQUEST.value
    return f"""
        SELECT customer_id,
            MAX(occurred_on) AS last_contact_on,
            MAX(occurred_on) FILTER (WHERE direction = 'inbound') AS last_inbound_on,
            MAX(occurred_on) FILTER (WHERE channel IN {_in(IN_PERSON_CHANNELS)})
                AS last_in_person_on,
            COUNT(*) FILTER (WHERE {in_90d}) AS contacts_90d,
            COUNT(*) FILTER (WHERE {in_90d} AND kind = '{complaint}') AS complaints_90d,
            COUNT(*) FILTER (WHERE {in_90d} AND kind = '{service}') AS service_requests_90d,
            COUNT(*) FILTER (WHERE {in_12m}) AS contacts_12m,
            COUNT(*) FILTER (WHERE {in_12m} AND rating = 'positive') AS positive_12m,
            COUNT(*) FILTER (WHERE {in_12m} AND rating = 'negative') AS negative_12m,
            AVG(satisfaction) FILTER (WHERE {in_12m}) AS satisfaction_avg_12m,
            COUNT(*) FILTER (WHERE {in_12m} AND kind IN ('{complaint}', '{service}'))
                AS service_load_12m
        FROM customers_interaction
        WHERE occurred_on <= %(as_of)s AND {customer_filter}
        GROUP BY customer_id
    """


def _earlier(a: str, b: str) -> str:
    return f"CASE WHEN {a} IS NULL THEN {b} WHEN {b} IS NULL OR {a} <= {b} THEN {a} ELSE {b} END"


def _later(a: str, b: str) -> str:
    return f"CASE WHEN {a} IS NULL THEN {b} WHEN {b} IS NULL OR {a} >= {b} THEN {a} ELSE {b} END"


def segment_cells() -> dict[int, int]:
    """The segment id of each R x F cell (key R * 10 + F) under the segment map, the lowest
    priority winning where segments overlap; cells no segment covers are left out."""
    segments = list(
        RFMSegment.objects.order_by("priority", "id").values_list(
            "id", "r_min", "r_max", "f_min", "f_max"
        )
    )
    cells = {}
    for r in range(1, 6):
        for f in range(1, 6):
            match = next((s[0] for s in segments if s[1] <= r <= s[2] and s[3] <= f <= s[4]), None)
            if match is not None:
                cells[r * 10 + f] = match
    return cells


def segment_map_key() -> str:
    """The segment map as its cells: equal keys, equal segments for equal scores."""
    return ",".join(f"{cell}:{segment}" for cell, segment in segment_cells().items())


def segment_case(r_score: str, f_score: str) -> str:
    """The segment of each R x F cell, resolved from the (tiny) segment map up front, so the
    database looks up a constant instead of running a subquery per customer."""
    cells = [f"WHEN {cell} THEN {segment}" for cell, segment in segment_cells().items()]
    if not cells:
        return "NULL"
    return f"CASE ({r_score}) * 10 + ({f_score}) {' '.join(cells)} END"


def score_expressions(
    cuts: Cuts, recency: str, frequency: str, monetary: str, revenue_12m: str
) -> dict[str, str]:
    def score(value: str, limits: list, lower_is_better: bool = False) -> str:
        if not limits:
            return "NULL"
        op = "<" if lower_is_better else ">"
        steps = " + ".join(
            f"CASE WHEN {value} {op} {limit!r} THEN 1 ELSE 0 END" for limit in limits
        )
        return f"CASE WHEN {frequency} > 0 THEN 1 + {steps} END"

    r = score(recency, cuts.recency, lower_is_better=True)
    f = score(frequency, cuts.frequency)
    m = score(monetary, cuts.monetary)
    segment = segment_case(r, f)
    value_class = "'C'"
    if cuts.value_class_a is not None:
        b_limit = cuts.value_class_b if cuts.value_class_b is not None else cuts.value_class_a
        value_class = (
            f"CASE WHEN {revenue_12m} >= {cuts.value_class_a!r} THEN 'A' "
            f"WHEN {revenue_12m} >= {b_limit!r} THEN 'B' ELSE 'C' END"
        )
    return {
        "r_score": r,
        "f_score": f,
        "m_score": m,
        "rfm_segment_id": segment,
        "value_class": value_class,
    }


def base_columns() -> dict[str, str]:
    """First level: each value computed once per customer, over customer c, transaction
    aggregate t and interaction aggregate i."""
    as_of = date_param("as_of")
    recency = days_between(as_of, "t.last_purchase_on")
    interval = (
        f"CASE WHEN t.frequency >= 2 THEN "
        f"{days_between('t.last_purchase_on', 't.first_purchase_on')} * 1.0 / (t.frequency - 1) END"
    )
    revenue_12m = "(COALESCE(t.gross_12m, 0) - COALESCE(t.reductions_12m, 0))"
    revenue_prev = "(COALESCE(t.gross_prev_12m, 0) - COALESCE(t.reductions_prev_12m, 0))"
    return {
        "customer_id": "c.id",
        "customer_since": "c.customer_since",
        "industry": "c.industry",
        "own_contact_interval": "c.contact_interval_days",
        "contact_opt_out": "c.contact_opt_out",
        "last_in_person_on": "i.last_in_person_on",
        "first_purchase_on": "t.first_purchase_on",
        "last_purchase_on": "t.last_purchase_on",
        "last_inbound_on": "i.last_inbound_on",
        "recency_days": recency,
        "purchase_interval_days": interval,
        "recency_ratio": f"CASE WHEN ({interval}) > 0 THEN {recency} * 1.0 / ({interval}) END",
        "frequency": "COALESCE(t.frequency, 0)",
        "frequency_12m": "COALESCE(t.frequency_12m, 0)",
        "frequency_prev_12m": "COALESCE(t.frequency_prev_12m, 0)",
        "contracts": "COALESCE(t.contracts, 0)",
        "contracts_12m": "COALESCE(t.contracts_12m, 0)",
        "monetary_total": "(COALESCE(t.gross_total, 0) - COALESCE(t.reductions_total, 0))",
        "revenue_12m": revenue_12m,
        "revenue_prev_12m": revenue_prev,
        "revenue_trend_pct": (
            f"CASE WHEN {revenue_prev} > 0 THEN 100.0 * ({revenue_12m} - {revenue_prev}) "
            f"/ {revenue_prev} END"
        ),
        "gross_12m": "t.gross_12m",
        "reductions_12m": "COALESCE(t.reductions_12m, 0)",
        "payment_delay_days": "t.payment_delay_days",
        "overdue_amount": "COALESCE(t.overdue_amount, 0)",
        "last_contact_on": "i.last_contact_on",
        "contacts_90d": "COALESCE(i.contacts_90d, 0)",
        "complaints_90d": "COALESCE(i.complaints_90d, 0)",
        "service_requests_90d": "COALESCE(i.service_requests_90d, 0)",
        "contacts_12m": "i.contacts_12m",
        "positive_12m": "COALESCE(i.positive_12m, 0)",
        "negative_12m": "COALESCE(i.negative_12m, 0)",
        "satisfaction_avg_12m": "i.satisfaction_avg_12m",
        "service_load_12m": "COALESCE(i.service_load_12m, 0)",
        "p_alive": "p.p_alive",
        "expected_purchases_90d": "p.expected_purchases_90d",
        "clv_12m": "p.clv_12m",
    }


def kpi_columns(cuts: Cuts | None) -> dict[str, str]:
    """Second level: column -> SQL expression over the first level's row b."""
    as_of = date_param("as_of")
    last_reaction = _later("b.last_purchase_on", "b.last_inbound_on")
    start = _earlier("b.customer_since", "b.first_purchase_on")
    phase = f"""CASE
        WHEN b.frequency = 0 THEN '{LifecyclePhase.PROSPECT.value}'
        WHEN b.recency_days > {TERMINATED_AFTER_DAYS} THEN '{LifecyclePhase.TERMINATED.value}'
        WHEN b.recency_days > {LAPSED_AFTER_DAYS} THEN '{LifecyclePhase.LAPSED.value}'
        WHEN {days_between(as_of, "b.first_purchase_on")} < {NEW_FOR_DAYS}
            THEN '{LifecyclePhase.NEW.value}'
        WHEN b.recency_ratio >= {AT_RISK_RECENCY_RATIO}
            OR b.revenue_trend_pct <= {AT_RISK_TREND_PCT} THEN '{LifecyclePhase.AT_RISK.value}'
        WHEN b.revenue_trend_pct >= {GROWING_TREND_PCT} THEN '{LifecyclePhase.GROWING.value}'
        ELSE '{LifecyclePhase.LOYAL.value}'
    END"""
    columns = {
        "customer_id": "b.customer_id",
        "as_of": as_of,
        "computed_at": "%(computed_at)s",
        "relationship_days": days_between(as_of, f"({start})"),
        "first_purchase_on": "b.first_purchase_on",
        "last_purchase_on": "b.last_purchase_on",
        "recency_days": "b.recency_days",
        "last_reaction_on": last_reaction,
        "reaction_recency_days": days_between(as_of, f"({last_reaction})"),
        "frequency": "b.frequency",
        "frequency_12m": "b.frequency_12m",
        "contracts": "b.contracts",
        "contracts_12m": "b.contracts_12m",
        "monetary_total": "b.monetary_total",
        "monetary_avg": (
            "CASE WHEN b.frequency > 0 THEN ROUND(b.monetary_total * 1.0 / b.frequency, 2) END"
        ),
        "revenue_12m": "b.revenue_12m",
        "purchase_interval_days": "b.purchase_interval_days",
        "recency_ratio": "b.recency_ratio",
        "revenue_prev_12m": "b.revenue_prev_12m",
        "revenue_trend_pct": "b.revenue_trend_pct",
        "frequency_prev_12m": "b.frequency_prev_12m",
        "frequency_trend_pct": (
            "CASE WHEN b.frequency_prev_12m > 0 THEN 100.0 * (b.frequency_12m - "
            "b.frequency_prev_12m) / b.frequency_prev_12m END"
        ),
        "return_ratio": "CASE WHEN b.gross_12m > 0 THEN 100.0 * b.reductions_12m / b.gross_12m END",
        "payment_delay_days": "b.payment_delay_days",
        "overdue_amount": "b.overdue_amount",
        "last_contact_on": "b.last_contact_on",
        "days_since_contact": days_between(as_of, "b.last_contact_on"),
        "contact_opt_out": "b.contact_opt_out",
        "last_in_person_on": "b.last_in_person_on",
        "contacts_90d": "b.contacts_90d",
        "complaints_90d": "b.complaints_90d",
        "service_requests_90d": "b.service_requests_90d",
        "dark_share_12m": (
            "CASE WHEN b.contacts_12m > 0 THEN 100.0 * b.negative_12m / b.contacts_12m END"
        ),
        "satisfaction_avg_12m": "b.satisfaction_avg_12m",
        "relationship_account": "b.positive_12m - b.negative_12m",
        "cost_to_serve": (
            "CASE WHEN b.revenue_12m > 0 THEN b.service_load_12m * 1000.0 / b.revenue_12m END"
        ),
        "lifecycle_phase": phase,
        "p_alive": "b.p_alive",
        "expected_purchases_90d": "b.expected_purchases_90d",
        "clv_12m": "b.clv_12m",
    }
    if cuts is None:
        # Book-wide scores come from a full run's cuts; until then they stay empty.
        scores = {
            "r_score": "NULL",
            "f_score": "NULL",
            "m_score": "NULL",
            "rfm_segment_id": "NULL",
            "value_class": "'C'",
        }
    else:
        scores = score_expressions(
            cuts, "b.recency_days", "b.frequency", "b.monetary_total", f"b.{cuts.basis}"
        )
    cadence = CadenceColumns(
        as_of=as_of,
        value_class=f"({scores['value_class']})",
        segment_id=f"({scores['rfm_segment_id']})",
        industry="b.industry",
        own_interval="b.own_contact_interval",
        opt_out="b.contact_opt_out",
        last_contact_on="b.last_contact_on",
        last_in_person_on="b.last_in_person_on",
        start_on=_earlier("b.customer_since", "b.first_purchase_on"),
    )
    return columns | scores | cadence_expressions(cadence)


def insert_sql(customer_filter: str, cuts: Cuts | None, table: str = KPI_TABLE) -> str:
    """INSERT ... SELECT of the KPI rows of the customers ``customer_filter`` selects."""
    columns = kpi_columns(cuts)
    names = ", ".join(columns)
    selects = ",\n            ".join(f"{expr} AS {name}" for name, expr in columns.items())
    base = ",\n                ".join(f"{expr} AS {name}" for name, expr in base_columns().items())
    tx_filter = customer_filter.replace("c.id", "customer_id")
    return f"""
        INSERT INTO {table} ({names})
        SELECT {selects}
        FROM (
            SELECT {base}
            FROM customers_customer c
            LEFT JOIN ({_transaction_aggregate(tx_filter)}) t ON t.customer_id = c.id
            LEFT JOIN ({_interaction_aggregate(tx_filter)}) i ON i.customer_id = c.id
            LEFT JOIN {PREDICTION_TABLE} p
                ON p.customer_id = c.id AND {customer_filter.replace("c.id", "p.customer_id")}
            WHERE {customer_filter}
            {_materialized()}
        ) b
        WHERE true
    """


def upsert_sql(customer_filter: str, cuts: Cuts | None, table: str = KPI_TABLE) -> str:
    """insert_sql that overwrites the rows the customers already have."""
    updates = ", ".join(
        f"{name} = excluded.{name}" for name in kpi_columns(cuts) if name != "customer_id"
    )
    return (
        f"{insert_sql(customer_filter, cuts, table)}"
        f"        ON CONFLICT (customer_id) DO UPDATE SET {updates}\n"
    )


# --- entry points -----------------------------------------------------------------------


def _tune_for_bulk(cursor) -> None:
    """On 2 cores a parallel plan and JIT cost more than they save (measured)."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute("SET LOCAL jit = off")


def recompute_range(
    first_id: int, last_id: int, as_of: dt.date, cuts: Cuts | None, table: str = KPI_TABLE
) -> int:
    """Write the KPIs of customers with first_id <= id <= last_id into ``table`` (a full
    run's next table). Returns rows written.

    The range's rows are deleted first and then inserted plainly: a chunk done twice (a
    task delivered again) ends as once, and a plain INSERT costs about 13% less per chunk
    than an upsert's check for a conflicting row (measured at 50,000 customers)."""
    params = window_params(as_of) | {"first_id": first_id, "last_id": last_id}
    customer_filter = "c.id BETWEEN %(first_id)s AND %(last_id)s"
    with connection.cursor() as cursor:
        _tune_for_bulk(cursor)
        cursor.execute(
            f"DELETE FROM {table} WHERE customer_id BETWEEN %(first_id)s AND %(last_id)s",
            params,
        )
        cursor.execute(insert_sql(customer_filter, cuts, table), params)
        return cursor.rowcount


def recompute_ids(customer_ids: Sequence[int], as_of: dt.date, cuts: Cuts | None) -> int:
    if not customer_ids:
        return 0
    params = window_params(as_of) | {"ids": ids_param(customer_ids)}
    with connection.cursor() as cursor:
        cursor.execute(upsert_sql(id_in("c.id", "ids"), cuts), params)
        return cursor.rowcount


def _values_at_positions(table: str, column: str, order: str, positions: list[int]) -> list:
    """The values at 1-based ``positions`` of the buyers sorted by ``column``.

    Counting per distinct value and summing those counts finds the positions without
    sorting every row: days and purchase counts have few distinct values.
    """
    if not positions:
        return []
    sql = f"""
        SELECT value, SUM(n) OVER (ORDER BY value {order}) AS reached FROM (
            SELECT {column} AS value, COUNT(*) AS n FROM {table}
            WHERE frequency > 0 GROUP BY {column}
        ) counted ORDER BY value {order}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        steps = cursor.fetchall()
    values, index = [], 0
    for position in positions:
        while steps[index][1] < position:
            index += 1
        values.append(steps[index][0])
    return values


def _value_class_limits(
    table: str, basis: str, shares: tuple[Decimal, Decimal], total: Decimal
) -> tuple[float | None, float | None]:
    """The smallest value of ``basis`` (12-month revenue or CLV) among the customers that
    make the first A share, and the first A + B share, of its total: one sort for both.

    A value belongs to a share when the values above it sum to less than the share, so
    the sort runs over distinct values with their totals, not over every customer (at a
    million customers 0.9 s instead of 1.1 s where nearly every value differs, 0.25 s
    instead of 1.6 s where many are equal)."""
    sql = f"""
        SELECT MIN(value) FILTER (WHERE before < %s), MIN(value) FILTER (WHERE before < %s)
        FROM (
            SELECT value, COALESCE(SUM(total) OVER (
                ORDER BY value DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                AS before
            FROM (
                SELECT {basis} AS value, SUM({basis}) AS total FROM {table}
                WHERE {basis} > 0 GROUP BY {basis}
            ) valued
        ) ranked
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [float(share * total) for share in shares])
        limits = cursor.fetchone()
    return tuple(float(limit) if limit is not None else None for limit in limits)


def compute_cuts(table: str = KPI_TABLE) -> Cuts:
    """Quintile cut-offs over buying customers and the A/B value limits, from CustomerKPI."""
    basis = value_class_basis()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), SUM(CASE WHEN {basis} > 0 THEN {basis} ELSE 0 END) "
            f"FROM {table} WHERE frequency > 0"
        )
        buyers, total_revenue = cursor.fetchone()
    # The last value of each of the first four quintiles; a score is 1 + the number of these
    # limits a value is beyond, so equal values always share a score (ties go down).
    positions = [k * buyers // 5 for k in range(1, 5)] if buyers >= 5 else []
    a_share = Decimal(settings.KPI_VALUE_CLASS_A_PERCENT) / 100
    b_share = a_share + Decimal(settings.KPI_VALUE_CLASS_B_PERCENT) / 100
    total = Decimal(str(total_revenue or 0))
    limit_a, limit_b = (
        _value_class_limits(table, basis, (a_share, b_share), total) if total > 0 else (None, None)
    )
    return Cuts(
        recency=[int(v) for v in _values_at_positions(table, "recency_days", "DESC", positions)],
        frequency=[int(v) for v in _values_at_positions(table, "frequency", "ASC", positions)],
        monetary=[
            float(v) for v in _values_at_positions(table, "monetary_total", "ASC", positions)
        ],
        value_class_a=limit_a,
        value_class_b=limit_b,
        basis=basis,
        segment_map=segment_map_key(),
    )


def apply_scores(cuts: Cuts, table: str = KPI_TABLE) -> int:
    """Set scores, segment, value class and the contact cadence that depends on them, of
    every row whose values differ under ``cuts``."""
    expressions = score_expressions(
        cuts, "k.recency_days", "k.frequency", "k.monetary_total", f"k.{cuts.basis}"
    )
    expressions |= cadence_expressions(
        CadenceColumns(
            as_of="k.as_of",
            value_class=f"({expressions['value_class']})",
            segment_id=f"({expressions['rfm_segment_id']})",
            industry="c.industry",
            own_interval="c.contact_interval_days",
            opt_out="c.contact_opt_out",
            last_contact_on="k.last_contact_on",
            last_in_person_on="k.last_in_person_on",
            start_on=_earlier("c.customer_since", "k.first_purchase_on"),
        )
    )
    assignments = ", ".join(f"{column} = {expr}" for column, expr in expressions.items())
    changed = " OR ".join(
        distinct(f"k.{column}", f"({expr})") for column, expr in expressions.items()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS k SET {assignments} FROM customers_customer c "
            f"WHERE c.id = k.customer_id AND ({changed})"
        )
        return cursor.rowcount


SNAPSHOT_COLUMNS = [
    "last_purchase_on",
    "reaction_recency_days",
    "frequency",
    "monetary_total",
    "revenue_12m",
    "r_score",
    "f_score",
    "m_score",
    "rfm_segment_id",
    "value_class",
    "lifecycle_phase",
]


def snapshot_previous_month(as_of: dt.date) -> int:
    """Keep the state of the last run of a finished month as that month's snapshot.

    Called before a run of ``as_of`` writes: rows still computed as of an earlier month are
    that month's final state. One write a month instead of one a night; a month's
    snapshot exists once the month is over. Rows already snapshotted stay as they are.
    """
    columns = ", ".join(SNAPSHOT_COLUMNS)
    month = date_param("month")
    month_start = (
        "DATE_TRUNC('month', as_of)::date"
        if connection.vendor == "postgresql"
        else "date(as_of, 'start of month')"
    )
    sql = f"""
        INSERT INTO customers_customerkpisnapshot (customer_id, month, {columns})
        SELECT customer_id, {month_start}, {columns} FROM {KPI_TABLE}
        WHERE as_of < {month}
        ON CONFLICT (customer_id, month) DO NOTHING
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"month": connection.ops.adapt_datefield_value(as_of.replace(day=1))})
        return cursor.rowcount
