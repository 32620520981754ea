"""Importing a CSV of transactions against a plain PostgreSQL COPY of the same file.

    DATABASE_URL=postgres://postgres@127.0.0.1/cockpit_bench \\
        python manage.py bench_import --rows 1000000
"""

import statistics
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from customers.benchdata import PREFIX, timed
from customers.imports import run_import
from customers.models import Customer

COLUMNS = "customer_number,customer_name,kind,occurred_on,amount,currency,source,external_ref,due_on,paid_on"  # noqa: E501


def write_file(path: Path, rows: int, customers: int) -> None:
    kinds = ("invoice", "order", "invoice", "contract", "return")
    with path.open("w") as handle:
        handle.write(COLUMNS + "\n")
        for n in range(rows):
            day = 1 + n % 28
            handle.write(
                f"{PREFIX}{n % customers},Bench customer {n % customers},{kinds[n % 5]},"
                f"2026-{1 + n % 12:02d}-{day:02d},{10 + n % 990}.{n % 100:02d},EUR,bench,"
                f"B-{n},2026-{1 + n % 12:02d}-28,\n"
            )


class Command(BaseCommand):
    help = "Seconds and rows per second of a file import against COPY of the same file."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument(
            "--customers",
            type=int,
            default=None,
            help="Distinct customers in the file (default rows / 10).",
        )
        parser.add_argument("--repeat", type=int, default=3, help="Runs of each (median).")

    def handle(self, *args, rows: int, customers: int | None, repeat: int, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Benchmarks run on PostgreSQL (set DATABASE_URL).")
        if Customer.objects.exclude(number__startswith=PREFIX).exists():
            raise CommandError("This database holds real customers: use a benchmark database.")
        customers = customers or max(rows // 10, 1)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "transactions.csv"
            write_file(path, rows, customers)
            content = path.read_bytes()
            self.stdout.write(
                f"file: {rows} rows, {customers} customers, {len(content) / 1e6:.1f} MB"
            )
            copy_times = [self.copy(path) for _ in range(repeat)]
            import_times = []
            for _ in range(repeat):
                self.clear()
                started = time.perf_counter()
                result = run_import("transactions", content, path.name, recompute=False)
                import_times.append(time.perf_counter() - started)
                if result.created != rows:
                    raise CommandError(f"imported {result.created} of {rows} rows")
            again = time.perf_counter()
            repeated = run_import("transactions", content, path.name, recompute=False)
            again = time.perf_counter() - again
        copy, ours = statistics.median(copy_times), statistics.median(import_times)
        self.stdout.write(
            f"(a) COPY into a plain table: {copy:.2f} s (median), {rows / copy:,.0f} rows/s"
        )
        self.stdout.write(
            f"(b) our import (read, check every field, stage, write "
            f"transactions and {result.customers_created} customers, all or "
            f"nothing): {ours:.2f} s (median), {rows / ours:,.0f} rows/s"
        )
        self.stdout.write(f"(c) ratio b/a: {ours / copy:.2f}")
        self.stdout.write(f"    the same file again: {again:.2f} s, {repeated.created} created")

    def copy(self, path: Path) -> float:
        timed("DROP TABLE IF EXISTS bench_copy")
        timed(
            "CREATE TABLE bench_copy (customer_number text, customer_name text, kind text, "
            "occurred_on date, amount numeric(14, 2), currency text, source text, "
            "external_ref text, due_on date, paid_on date)"
        )
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor, path.open() as handle:
            cursor.cursor.copy_expert(
                "COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)", handle
            )
        elapsed = time.perf_counter() - started
        timed("DROP TABLE bench_copy")
        return elapsed

    def clear(self) -> None:
        with transaction.atomic():
            timed("DELETE FROM customers_transaction")
            timed("DELETE FROM customers_customer")
        timed("VACUUM ANALYZE customers_transaction")
        timed("VACUUM ANALYZE customers_customer")
