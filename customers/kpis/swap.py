"""A full run writes a fresh KPI table and swaps it in.

Inserting a million rows into a table without secondary indexes and building each index
once afterwards costs a fraction of updating every index row by row. The live table
stays readable until the swap, which takes a moment inside one transaction. Nothing may
reference customers_customerkpi by a database foreign key.
"""

from django.db import connection, transaction

from customers.kpis.engine import KPI_TABLE

NEXT_TABLE = "customers_customerkpi_next"
NEXT_SUFFIX = "_next"


def prepare_next_table() -> None:
    """An empty copy of the KPI table: same columns and primary key, no other index."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {NEXT_TABLE}")
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TABLE {NEXT_TABLE} (LIKE {KPI_TABLE} INCLUDING DEFAULTS "
                "INCLUDING CONSTRAINTS)"
            )
            cursor.execute(f"ALTER TABLE {NEXT_TABLE} ADD PRIMARY KEY (customer_id)")
        else:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [KPI_TABLE]
            )
            (create,) = cursor.fetchone()
            cursor.execute(create.replace(f'"{KPI_TABLE}"', f'"{NEXT_TABLE}"', 1))


def _secondary_indexes(cursor) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of every index of the live table but the key."""
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname <> %s",
            [KPI_TABLE, f"{KPI_TABLE}_pkey"],
        )
    else:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL",
            [KPI_TABLE],
        )
    return cursor.fetchall()


def swap_in_next_table() -> None:
    """Build the live table's indexes on the next table, then make it the live table."""
    with connection.cursor() as cursor:
        indexes = _secondary_indexes(cursor)
        if connection.vendor == "postgresql":
            for name, definition in indexes:
                cursor.execute(
                    definition.replace(
                        f"INDEX {name} ON", f"INDEX {name}{NEXT_SUFFIX} ON", 1
                    ).replace(f".{KPI_TABLE} ", f".{NEXT_TABLE} ", 1)
                )
            with transaction.atomic():
                cursor.execute(f"DROP TABLE {KPI_TABLE}")
                cursor.execute(f"ALTER TABLE {NEXT_TABLE} RENAME TO {KPI_TABLE}")
                cursor.execute(
                    f"ALTER TABLE {KPI_TABLE} RENAME CONSTRAINT {NEXT_TABLE}_pkey "
                    f"TO {KPI_TABLE}_pkey"
                )
                for name, _definition in indexes:
                    cursor.execute(f"ALTER INDEX {name}{NEXT_SUFFIX} RENAME TO {name}")
        else:
            with transaction.atomic():
                cursor.execute(f"DROP TABLE {KPI_TABLE}")
                cursor.execute(f"ALTER TABLE {NEXT_TABLE} RENAME TO {KPI_TABLE}")
                for _name, definition in indexes:
                    cursor.execute(definition)
