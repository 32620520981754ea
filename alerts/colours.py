"""Each customer's alert colour (its worst unresolved alert), kept in AlertColour."""

from collections.abc import Sequence

from django.db import connection
from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce

from alerts.choices import AlertState, Level
from customers.kpis.sql import analyze_after, id_in, ids_param

COLOUR_TABLE = "alerts_alertcolour"


def refresh_alert_ranks(customer_ids: Sequence[int] | None = None) -> int:
    """Bring AlertColour up to date (1 yellow, 2 red, no row green) for all customers or
    only ``customer_ids``. Returns the customers whose colour changed.

    Two statements that touch only what changed: the rows of customers left without an
    unresolved alert go, then the worst level of the unresolved alerts is upserted where
    it differs (an aggregate over alerts, not over every customer).
    """
    scoped = customer_ids is not None
    params = {"ids": ids_param(customer_ids)} if scoped else {}
    in_scope = f"AND {id_in('a.customer_id', 'ids')}" if scoped else ""
    unresolved = f"a.state <> '{AlertState.RESOLVED.value}'"
    green = f"""
        DELETE FROM {COLOUR_TABLE}
        WHERE true {in_scope.replace("a.customer_id", f"{COLOUR_TABLE}.customer_id")}
          AND NOT EXISTS (SELECT 1 FROM alerts_alert a
                          WHERE a.customer_id = {COLOUR_TABLE}.customer_id AND {unresolved})
    """
    worst = f"""
        INSERT INTO {COLOUR_TABLE} (customer_id, rank)
        SELECT a.customer_id, MAX(CASE a.level WHEN '{Level.RED.value}' THEN 2
            WHEN '{Level.YELLOW.value}' THEN 1 ELSE 0 END)
        FROM alerts_alert a
        WHERE {unresolved} {in_scope}
        GROUP BY a.customer_id
        ORDER BY a.customer_id  -- the key's index grows at its end
        ON CONFLICT (customer_id) DO UPDATE SET rank = excluded.rank
        WHERE {COLOUR_TABLE}.rank <> excluded.rank
    """
    with connection.cursor() as cursor:
        cursor.execute(green, params)
        changed = cursor.rowcount
        cursor.execute(worst, params)
        changed += cursor.rowcount
    # The lists join the colours by these statistics: after a first evaluation coloured
    # most of the book, stale ones would take the table for empty.
    analyze_after(changed, COLOUR_TABLE)
    return changed


def with_alert_rank(customers: QuerySet) -> QuerySet:
    """Customers with ``colour_rank`` (0 green, 1 yellow, 2 red) to filter and sort by, and
    their colour row fetched along (Customer.alert_rank reads it)."""
    return customers.select_related("alert_colour").annotate(
        colour_rank=Coalesce("alert_colour__rank", Value(0))
    )
