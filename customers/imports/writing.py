"""Writing checked rows: loaded into a temporary staging table (COPY on PostgreSQL), then
one INSERT ... SELECT per target table, in one transaction. Rows whose key is known
already change nothing (only rows whose (source, external_ref) is new are written), so
importing the same file twice writes nothing the second time.
A dry run is the same import, rolled back: its counts are exact.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.imports.audit import log_imported_customers
from customers.imports.checks import TRUE, ImportFailed, Problem
from customers.imports.layouts import CUSTOMERS, INTERACTIONS, TRANSACTIONS, Layout
from customers.kpis.sql import analyze_after, distinct, insert_frame
from customers.kpis.triggers import queue_recompute

STAGING = "import_rows"
Progress = Callable[[int, str], None]


@dataclass
class ImportResult:
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    customers_created: int = 0
    changed_columns: dict[str, int] = field(default_factory=dict)  # column -> customers
    customer_ids: list[int] = field(default_factory=list)
    written_at: object = None  # the database value every row written was stamped with

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in ("customer_ids", "written_at")}


# staging column -> SQL type (PostgreSQL; SQLite takes them as affinities)
STAGING_TYPES = {
    TRANSACTIONS.kind: {
        "line": "integer",
        "customer_number": "text",
        "customer_name": "text",
        "kind": "text",
        "occurred_on": "date",
        "amount": "numeric",
        "currency": "text",
        "source": "text",
        "external_ref": "text",
        "due_on": "date",
        "paid_on": "date",
    },
    INTERACTIONS.kind: {
        "line": "integer",
        "customer_number": "text",
        "occurred_at": "timestamptz",
        "occurred_at_day": "date",
        "channel": "text",
        "direction": "text",
        "kind": "text",
        "rating": "text",
        "satisfaction": "integer",
        "summary": "text",
        "source": "text",
        "external_ref": "text",
    },
    CUSTOMERS.kind: {
        "line": "integer",
        "number": "text",
        "name": "text",
        "kind": "text",
        "industry": "text",
        "owner": "text",
        "customer_since": "date",
        "contact_opt_out": "boolean",
        "notes": "text",
    },
}


def _stage(frame: pd.DataFrame, types: dict[str, str]) -> None:
    columns = list(types)
    staged = frame.assign(line=frame.index + 2)[columns]
    # An empty cell is NULL in the staging table.
    text = [name for name in columns if pd.api.types.is_string_dtype(staged[name])]
    staged = staged.assign(**{name: staged[name].mask(staged[name] == "") for name in text})
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        definition = ", ".join(f"{name} {sql_type}" for name, sql_type in types.items())
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGING} ({definition})")
        if connection.vendor != "postgresql":
            for name, sql_type in types.items():
                if sql_type == "timestamptz":  # SQLite: naive UTC, spelled as Django does
                    naive = staged[name].str.removesuffix("+00:00").str.replace("T", " ")
                    staged = staged.assign(**{name: naive})
        insert_frame(cursor, STAGING, staged)
        # Temporary tables get no automatic statistics: without them the planner takes the
        # staged rows for a handful and joins them in nested loops (minutes for 100,000).
        cursor.execute(f"ANALYZE {STAGING}")


def _execute(sql: str, params: dict | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.rowcount


def _fetch(sql: str, params: dict | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.fetchall()


def _now() -> dict:
    return {"now": connection.ops.adapt_datetimefield_value(timezone.now())}


def _unknown_customers() -> None:
    missing = _fetch(f"""
        SELECT r.line, r.customer_number FROM {STAGING} r
        WHERE NOT EXISTS (SELECT 1 FROM customers_customer c WHERE c.number = r.customer_number)
        ORDER BY r.line LIMIT 1000
    """)
    if missing:
        raise ImportFailed(
            [
                Problem(line, "customer_number", number, _("no customer %(v)r") % {"v": number})
                for line, number in missing
            ]
        )


def _insert_new(table: str, columns: str, select: str, params: dict) -> int:
    """INSERT INTO ``table`` the rows of ``select`` (staged rows r joined with customer c)
    whose (source, external_ref) it does not hold yet, in customer order (the
    customer-led indexes grow at the end). Returns the rows written.

    A plain INSERT behind NOT EXISTS: ON CONFLICT DO NOTHING inserts each row
    speculatively, 3 s more per million rows. Should another import write one of the same
    references meanwhile, the unique index stops the plain INSERT, and it runs again with
    ON CONFLICT DO NOTHING."""
    new_only = f"""
        AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.source = r.source
                        AND t.external_ref = r.external_ref AND t.external_ref <> '')"""
    try:
        with transaction.atomic():
            return _execute(
                f"INSERT INTO {table} ({columns}) {select} {new_only} ORDER BY c.id", params
            )
    except IntegrityError:
        return _execute(
            f"INSERT INTO {table} ({columns}) {select} ORDER BY c.id ON CONFLICT DO NOTHING",
            params,
        )


def _touched(table: str, params: dict) -> list[int]:
    rows = _fetch(f"SELECT DISTINCT customer_id FROM {table} WHERE created_at = %(now)s", params)
    return sorted(row[0] for row in rows)


def write_transactions(
    frame: pd.DataFrame,
    progress: Progress,
    new_customer_kind: str = "company",
    new_customer_industry: str = "",
) -> ImportResult:
    """Unknown customer numbers create customers (named by customer_name)."""
    _stage(frame, STAGING_TYPES[TRANSACTIONS.kind])
    progress(60, _("rows staged"))
    params = _now() | {"kind": new_customer_kind, "industry": new_customer_industry}
    customers_created = _execute(
        f"""
        INSERT INTO customers_customer (number, name, kind, industry, contact_opt_out, notes,
            created_at, updated_at)
        SELECT r.customer_number, COALESCE(MIN(r.customer_name), r.customer_number),
            %(kind)s, %(industry)s, false, '', %(now)s, %(now)s
        FROM {STAGING} r
        WHERE NOT EXISTS (SELECT 1 FROM customers_customer c WHERE c.number = r.customer_number)
        GROUP BY r.customer_number
        ORDER BY MIN(r.line)
        ON CONFLICT DO NOTHING
    """,
        params,
    )
    analyze_after(customers_created, "customers_customer")
    progress(70, _("customers written"))
    created = _insert_new(
        "customers_transaction",
        "customer_id, kind, occurred_on, amount, currency, source, external_ref, due_on, "
        "paid_on, created_at",
        f"""
        SELECT c.id, r.kind, r.occurred_on, r.amount, r.currency, r.source, r.external_ref,
            r.due_on, r.paid_on, %(now)s
        FROM {STAGING} r JOIN customers_customer c ON c.number = r.customer_number
        WHERE true
        """,
        params,
    )
    return ImportResult(
        rows=len(frame),
        created=created,
        unchanged=len(frame) - created,
        customers_created=customers_created,
        customer_ids=_touched("customers_transaction", params),
        written_at=params["now"],
    )


def write_interactions(frame: pd.DataFrame, progress: Progress) -> ImportResult:
    """Touchpoints need known customers."""
    _stage(frame, STAGING_TYPES[INTERACTIONS.kind])
    progress(60, _("rows staged"))
    _unknown_customers()
    params = _now()
    created = _insert_new(
        "customers_interaction",
        "customer_id, channel, direction, kind, occurred_at, occurred_on, rating, "
        "satisfaction, summary, source, external_ref, created_at",
        f"""
        SELECT c.id, r.channel, r.direction, COALESCE(r.kind, 'contact'), r.occurred_at,
            r.occurred_at_day, COALESCE(r.rating, 'neutral'), r.satisfaction,
            COALESCE(r.summary, ''), r.source, r.external_ref, %(now)s
        FROM {STAGING} r JOIN customers_customer c ON c.number = r.customer_number
        WHERE true
        """,
        params,
    )
    return ImportResult(
        rows=len(frame),
        created=created,
        unchanged=len(frame) - created,
        customer_ids=_touched("customers_interaction", params),
        written_at=params["now"],
    )


def write_customers(frame: pd.DataFrame, progress: Progress) -> ImportResult:
    """New numbers are created, known ones updated where a value differs. On a known
    customer an empty cell, or a column the file leaves out, keeps what the customer has:
    a file of numbers and names must not take away owners or a person's objection to
    contact."""
    opt_out = frame["contact_opt_out"].str.lower()
    frame = frame.assign(
        contact_opt_out=opt_out.isin(TRUE).astype(object).where(opt_out != "", None),
    )
    _stage(frame, STAGING_TYPES[CUSTOMERS.kind])
    progress(60, _("rows staged"))
    unknown_owners = _fetch(f"""
        SELECT r.line, r.owner FROM {STAGING} r
        WHERE r.owner IS NOT NULL AND r.owner <> ''
          AND NOT EXISTS (SELECT 1 FROM auth_user u WHERE u.username = r.owner)
        ORDER BY r.line LIMIT 1000
    """)
    if unknown_owners:
        raise ImportFailed(
            [
                Problem(line, "owner", owner, _("no user %(v)r") % {"v": owner})
                for line, owner in unknown_owners
            ]
        )
    params = _now()
    source = f"FROM {STAGING} r LEFT JOIN auth_user u ON u.username = r.owner"
    created = _execute(
        f"""
        INSERT INTO customers_customer (number, name, kind, industry, owner_id, customer_since,
            contact_opt_out, notes, created_at, updated_at)
        SELECT r.number, r.name, COALESCE(r.kind, 'company'), COALESCE(r.industry, ''), u.id,
            r.customer_since, COALESCE(r.contact_opt_out, false), COALESCE(r.notes, ''),
            %(now)s, %(now)s
        {source}
        WHERE NOT EXISTS (SELECT 1 FROM customers_customer c WHERE c.number = r.number)
        ORDER BY r.line
    """,
        params,
    )
    kept_unless_given = {
        "kind": "COALESCE(r.kind, c.kind)",
        "industry": "COALESCE(r.industry, c.industry)",
        "owner_id": "CASE WHEN r.owner IS NULL THEN c.owner_id ELSE u.id END",
        "customer_since": "COALESCE(r.customer_since, c.customer_since)",
        "contact_opt_out": "COALESCE(r.contact_opt_out, c.contact_opt_out)",
        "notes": "COALESCE(r.notes, c.notes)",
    }
    given = {"name": "r.name"} | kept_unless_given
    columns = list(given)
    new_values = f"""
        SELECT r.number, {", ".join(f"{expr} AS {c}" for c, expr in given.items())}
        {source} JOIN customers_customer c ON c.number = r.number
    """
    # What the update will change, column by column, for the dry run's report.
    counts = _fetch(
        f"""SELECT {
            ", ".join(
                f"SUM(CASE WHEN {distinct(f'k.{c}', f'n.{c}')} THEN 1 ELSE 0 END)" for c in columns
            )
        } FROM ({new_values}) n JOIN customers_customer k ON k.number = n.number
        WHERE k.created_at <> %(now)s""",
        params,
    )[0]
    changed_columns = {
        column.removesuffix("_id"): int(count)
        for column, count in zip(columns, counts, strict=True)
        if count
    }
    changed = " OR ".join(distinct(f"customers_customer.{c}", f"n.{c}") for c in columns)
    updated = _execute(
        f"""
        UPDATE customers_customer SET {", ".join(f"{c} = n.{c}" for c in columns)},
            updated_at = %(now)s
        FROM ({new_values}) n
        WHERE customers_customer.number = n.number AND customers_customer.created_at <> %(now)s
          AND ({changed})
    """,
        params,
    )
    ids = [
        row[0]
        for row in _fetch("SELECT id FROM customers_customer WHERE updated_at = %(now)s", params)
    ]
    return ImportResult(
        rows=len(frame),
        created=created,
        updated=updated,
        unchanged=len(frame) - created - updated,
        changed_columns=changed_columns,
        customer_ids=sorted(ids),
        written_at=params["now"],
    )


WRITERS: dict[str, Callable[[pd.DataFrame, Progress], ImportResult]] = {
    TRANSACTIONS.kind: write_transactions,
    INTERACTIONS.kind: write_interactions,
    CUSTOMERS.kind: write_customers,
}


def write(
    layout: Layout,
    frame: pd.DataFrame,
    *,
    dry_run: bool,
    progress: Progress,
    recompute: bool = True,
    actor_id: int | None = None,
    filename: str = "",
    **options,
) -> ImportResult:
    """All or nothing; a dry run rolls back after counting. The customers it created or
    changed get an audit-log entry by ``actor_id``. The KPIs of the customers that got new
    rows are recomputed once the import has committed, unless told otherwise."""
    with transaction.atomic():
        result = WRITERS[layout.kind](frame, progress, **options)
        log_imported_customers(result.written_at, actor_id, filename)
        if dry_run:
            transaction.set_rollback(True)
        elif recompute and result.customer_ids:
            # Robust: the import has committed whatever becomes of the recompute (the
            # nightly run catches up); its failure must not fail the import's job.
            ids = result.customer_ids
            transaction.on_commit(lambda: queue_recompute(ids), robust=True)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
    return result
