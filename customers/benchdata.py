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
