"""The few SQL spellings that differ between PostgreSQL and SQLite."""

import io
import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pandas as pd
import pyarrow as pa
from django.db import connection
from django.db import connections as db_connections
from pyarrow import csv as pa_csv

T = TypeVar("T")
R = TypeVar("R")


def days_between(later: str, earlier: str) -> str:
    """Whole days from ``earlier`` to ``later`` (both date expressions)."""
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def date_param(name: str) -> str:
    """A date parameter that PostgreSQL types as a date in arithmetic."""
    if connection.vendor == "postgresql":
        return f"%({name})s::date"
    return f"%({name})s"


def distinct(left: str, right: str) -> str:
    """NULL-safe "differs from"."""
    if connection.vendor == "postgresql":
        return f"({left} IS DISTINCT FROM {right})"
    return f"({left} IS NOT {right})"


def id_in(column: str, param: str) -> str:
    """``column`` is one of the ids passed as parameter ``param`` (see ids_param).

    A subquery, not ``= ANY(array)``: the planner hashes it or drives an index with it,
    where ``= ANY`` outside an index condition compares every row with every id (55 s
    for 10,000 ids against 2.7 million alerts)."""
    if connection.vendor == "postgresql":
        return f"{column} IN (SELECT unnest(%({param})s::bigint[]))"
    return f"{column} IN (SELECT value FROM json_each(%({param})s))"


def ids_param(ids: Sequence[int]) -> object:
    if connection.vendor == "postgresql":
        return list(ids)
    return json.dumps(list(ids))


ANALYZE_AFTER_ROWS = 1_000


def analyze_after(rows: int, table: str) -> None:
    """Fresh statistics after many changed rows: with the old ones the planner takes the new
    rows (or a new value) for none and joins them in nested loops or reads the wrong index
    (seconds per statement at 20,000 rows). Many means at least ANALYZE_AFTER_ROWS and a
    tenth of what the table had, so an incremental run on a large book leaves them alone."""
    if rows < ANALYZE_AFTER_ROWS or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        (known,) = cursor.fetchone()
        if rows >= known / 10:
            cursor.execute(f"ANALYZE {table}")


def on_connections(work: Callable[[T], R], items: Sequence[T], connections_at_once: int) -> list[R]:
    """``work`` over ``items`` on that many database connections at once (a thread each,
    each with its own connection, closed when its item is done), results in item order.
    Statements on PostgreSQL run in parallel so; a full run's chunks use it."""

    def one(item: T) -> R:
        try:
            return work(item)
        finally:
            db_connections.close_all()

    with ThreadPoolExecutor(max_workers=connections_at_once) as pool:
        return list(pool.map(one, items))


def insert_frame(cursor, table: str, frame: pd.DataFrame) -> None:
    """Every row of ``frame`` into ``table``, its columns named as the frame's; a missing
    value is NULL. PostgreSQL takes a COPY whose CSV Arrow writes (0.1 s for a million
    rows, where pandas' to_csv takes 1.5 s); SQLite one executemany."""
    columns = ", ".join(frame.columns)
    if connection.vendor == "postgresql":
        sink = pa.BufferOutputStream()
        table_data = pa.Table.from_pandas(frame, preserve_index=False)
        pa_csv.write_csv(table_data, sink, pa_csv.WriteOptions(include_header=False))
        cursor.cursor.copy_expert(
            f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)",
            io.BytesIO(sink.getvalue().to_pybytes()),
        )
        return
    rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
    marks = ", ".join(["%s"] * len(frame.columns))
    cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(rows))
