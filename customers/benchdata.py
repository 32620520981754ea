"""Synthetic data for the benchmark commands: set-based, deterministic, both engines."""

import datetime as dt
import time

from django.db import connection

AS_OF = dt.date(2026, 6, 30)
PREFIX = "BENCH-"


def series(count: int, alias: str = "series") -> str:
    """A table expression ``alias(g)`` with g = 1..count."""
    if connection.vendor == "postgresql":
        return f"generate_series(1, {count}) AS {alias}(g)"
    return (
        f"(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {count}) "
        f"SELECT g FROM s) AS {alias}"
    )


def date_minus(days_expr: str) -> str:
    if connection.vendor == "postgresql":
        return f"(DATE '{AS_OF}' - ({days_expr})::int)"
    return f"date(julianday('{AS_OF}') - ({days_expr}))"


def timed(sql: str, params=None) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return time.perf_counter() - started


# Derived tables without database foreign keys: TRUNCATE ... CASCADE does not reach them.
DERIVED_TABLES = (
    "customers_customerkpisnapshot",
    "customers_customerkpi",
    "customers_customerprediction",
    "customers_predictivemodel",
    "customers_kpirun",
)
BOOK_TABLES = (
    "alerts_notification_events",
    "alerts_notification",
    "alerts_alertevent",
    "alerts_alert",
    "alerts_rulestate",
    *DERIVED_TABLES,
    "customers_interaction",
    "customers_transaction",
    "customers_contact",
    "customers_customer",
)


def wipe_book() -> None:
    """Empty a benchmark database's book in seconds (never the ORM's cascade: it loads
    every related row into memory, 14 GB for a million customers)."""
    if connection.vendor == "postgresql":
        timed(f"TRUNCATE {', '.join(BOOK_TABLES)} CASCADE")
        return
    for table in BOOK_TABLES:
        timed(f"DELETE FROM {table}")
