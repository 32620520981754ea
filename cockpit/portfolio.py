"""The portfolio cube behind the KPI cockpit, written set-based from CustomerKPI.

One INSERT ... SELECT ... GROUP BY per dimension over all customers: the cockpit then
sums cells (a few per owner, industry, value class and segment) instead of customers.
Taking the cube again for the same day replaces that day's cells: idempotent.
"""

import datetime as dt

from django.db import connection, transaction

from alerts.choices import AlertState, Level
from cockpit.models import PortfolioCell
from customers.bands import band_case

Dimension = PortfolioCell.Dimension
CELL_TABLE = PortfolioCell._meta.db_table
KEY = "owner_id, industry, value_class, rfm_segment_id"


def _customers_sql() -> str:
    """One row per customer with what the cube sums."""
    return """
        SELECT c.id AS customer_id, c.owner_id, c.industry,
            COALESCE(k.value_class, '') AS value_class, k.rfm_segment_id,
            COALESCE(k.lifecycle_phase, '') AS lifecycle_phase, c.alert_rank,
            COALESCE(k.frequency, 0) AS frequency,
            COALESCE(k.frequency_12m, 0) AS frequency_12m,
            COALESCE(k.contracts_12m, 0) AS contracts_12m,
            COALESCE(k.revenue_12m, 0) AS revenue_12m,
            COALESCE(k.clv_12m, 0) AS clv_12m,
            k.relationship_days, k.reaction_recency_days,
            CASE WHEN k.contact_overdue_days > 0 THEN 1 ELSE 0 END AS overdue
        FROM customers_customer c
        LEFT JOIN customers_customerkpi k ON k.customer_id = c.id
    """


MEASURES = {
    "customers": "COUNT(*)",
    "buyers": "SUM(CASE WHEN b.frequency > 0 THEN 1 ELSE 0 END)",
    "active_customers": "SUM(CASE WHEN b.frequency_12m > 0 THEN 1 ELSE 0 END)",
    "revenue_12m": "SUM(b.revenue_12m)",
    "expected_revenue_12m": "SUM(b.clv_12m)",
    "relationship_days_sum": "COALESCE(SUM(b.relationship_days), 0)",
    "relationship_days_count": "COUNT(b.relationship_days)",
    "reaction_recency_sum": "COALESCE(SUM(b.reaction_recency_days), 0)",
    "reaction_recency_count": "COUNT(b.reaction_recency_days)",
    "purchases_12m": "SUM(b.frequency_12m)",
    "contracts_12m": "SUM(b.contracts_12m)",
    "overdue_contacts": "SUM(b.overdue)",
}


def _alert_colour_case(rank: str) -> str:
    return (
        f"CASE {rank} WHEN 2 THEN '{Level.RED.value}' WHEN 1 THEN '{Level.YELLOW.value}' "
        f"ELSE '{Level.GREEN.value}' END"
    )


def _insert_dimension(cursor, dimension: str, member: str, params: dict, join: str = "") -> int:
    names = ", ".join(MEASURES)
    sums = ", ".join(MEASURES.values())
    group_member = "" if member == "''" else f", {member}"
    cursor.execute(
        f"""
        INSERT INTO {CELL_TABLE} (taken_on, dimension, member, {KEY}, {names},
            red_alerts, yellow_alerts)
        SELECT %(taken_on)s, '{dimension}', {member}, b.owner_id, b.industry, b.value_class,
            b.rfm_segment_id, {sums}, 0, 0
        FROM ({_customers_sql()}) b {join}
        GROUP BY b.owner_id, b.industry, b.value_class, b.rfm_segment_id{group_member}
        """,
        params,
    )
    return cursor.rowcount


def _insert_rules(cursor, params: dict) -> int:
    """Per rule only the customers and their alert colours; the other measures stay 0."""
    zeros = ", ".join(["0"] * (len(MEASURES) - 1))
    cursor.execute(
        f"""
        INSERT INTO {CELL_TABLE} (taken_on, dimension, member, {KEY}, {", ".join(MEASURES)},
            red_alerts, yellow_alerts)
        SELECT %(taken_on)s, '{Dimension.RULE.value}', CAST(a.rule_id AS TEXT), b.owner_id,
            b.industry, b.value_class, b.rfm_segment_id, COUNT(*), {zeros},
            SUM(CASE WHEN a.level = '{Level.RED.value}' THEN 1 ELSE 0 END),
            SUM(CASE WHEN a.level = '{Level.YELLOW.value}' THEN 1 ELSE 0 END)
        FROM alerts_alert a
        JOIN ({_customers_sql()}) b ON b.customer_id = a.customer_id
        WHERE a.state <> '{AlertState.RESOLVED.value}'
        GROUP BY b.owner_id, b.industry, b.value_class, b.rfm_segment_id, a.rule_id
        """,
        params,
    )
    return cursor.rowcount


CONCENTRATION_STEPS = 20


def _revenue_ranks_sql() -> str:
    """Each customer's twentieth of the book by 12-month revenue, 1 = the top 5%."""
    return f"""
        SELECT customer_id, NTILE({CONCENTRATION_STEPS}) OVER (
            ORDER BY COALESCE(revenue_12m, 0) DESC, customer_id) AS share_rank
        FROM customers_customerkpi
    """


def migration_month(taken_on: dt.date) -> dt.date:
    """The month the migration chart starts from: the last month before ``taken_on``'s."""
    return (taken_on.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@transaction.atomic
def take_portfolio(taken_on: dt.date) -> int:
    """Write the cube of ``taken_on`` (replacing that day's cells). Returns cells written."""
    ops = connection.ops
    params = {
        "taken_on": ops.adapt_datefield_value(taken_on),
        "from_month": ops.adapt_datefield_value(migration_month(taken_on)),
    }
    PortfolioCell.objects.filter(taken_on=taken_on).delete()
    written = 0
    with connection.cursor() as cursor:
        written += _insert_dimension(cursor, Dimension.ALL.value, "''", params)
        written += _insert_dimension(cursor, Dimension.PHASE.value, "b.lifecycle_phase", params)
        written += _insert_dimension(
            cursor, Dimension.ALERT.value, _alert_colour_case("b.alert_rank"), params
        )
        written += _insert_dimension(
            cursor, Dimension.RECENCY.value, band_case("b.reaction_recency_days"), params
        )
        written += _insert_dimension(
            cursor,
            Dimension.MIGRATION.value,
            "COALESCE(CAST(s.rfm_segment_id AS TEXT), '')",
            params,
            join="JOIN customers_customerkpisnapshot s ON s.customer_id = b.customer_id "
            "AND s.month = %(from_month)s",
        )
        written += _insert_dimension(
            cursor,
            Dimension.CONCENTRATION.value,
            "CAST(r.share_rank AS TEXT)",
            params,
            join=f"JOIN ({_revenue_ranks_sql()}) r ON r.customer_id = b.customer_id",
        )
        written += _insert_rules(cursor, params)
    # The breakdowns serve the latest day only; "all" cells stay as the history.
    latest = PortfolioCell.objects.order_by("-taken_on").values_list("taken_on", flat=True).first()
    if latest is not None:  # an empty book has no cells
        PortfolioCell.objects.exclude(dimension=Dimension.ALL).filter(taken_on__lt=latest).delete()
    return written
