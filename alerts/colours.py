"""Each customer's alert colour (its worst unresolved alert), kept on the customer row."""

from collections.abc import Sequence

from django.db import connection

from alerts.choices import AlertState, Level
from customers.kpis.sql import id_in, ids_param


def refresh_alert_ranks(customer_ids: Sequence[int] | None = None) -> int:
    """Set Customer.alert_rank (0 green, 1 yellow, 2 red) where it changed, for all
    customers or only ``customer_ids``. Returns the customers whose colour changed."""
    scope = id_in("c.id", "ids") if customer_ids is not None else "1 = 1"
    sql = f"""
        UPDATE customers_customer SET alert_rank = worst.rank
        FROM (
            SELECT c.id AS customer_id, COALESCE(MAX(CASE a.level
                WHEN '{Level.RED.value}' THEN 2 WHEN '{Level.YELLOW.value}' THEN 1 ELSE 0 END
            ), 0) AS rank
            FROM customers_customer c
            LEFT JOIN alerts_alert a
                ON a.customer_id = c.id AND a.state <> '{AlertState.RESOLVED.value}'
            WHERE {scope}
            GROUP BY c.id
        ) worst
        WHERE customers_customer.id = worst.customer_id
          AND customers_customer.alert_rank <> worst.rank
    """
    params = {"ids": ids_param(customer_ids)} if customer_ids is not None else {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
