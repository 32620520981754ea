"""Benchmark of the KPI engine against a bare SQL GROUP BY, measured in one run.

Run it on its own database: it fills the book with synthetic BENCH- customers.

    DATABASE_URL=postgres://postgres@127.0.0.1/cockpit_bench \\
        python manage.py bench_kpis --customers 1000000
"""

import statistics
import time
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from customers.benchdata import AS_OF, PREFIX, date_minus, series, timed, wipe_book
from customers.kpis import predictive, runs
from customers.kpis.sql import days_between
from customers.models import Customer, CustomerKPI, CustomerKPISnapshot, KPIRun
from customers.signals import kpis_recomputed


@contextmanager
def engine_alone():
    """Times the KPI engine alone: the alert evaluation that follows every run in
    production has its own benchmark (bench_alerts)."""
    receivers = kpis_recomputed.receivers
    kpis_recomputed.receivers = []
    kpis_recomputed.sender_receivers_cache.clear()
    try:
        yield
    finally:
        kpis_recomputed.receivers = receivers
        kpis_recomputed.sender_receivers_cache.clear()


class Command(BaseCommand):
    help = "Time a full KPI recompute against a naive GROUP BY on synthetic data."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=100_000)
        parser.add_argument("--transactions-per-customer", type=int, default=10)
        parser.add_argument("--interactions-per-customer", type=int, default=3)
        parser.add_argument("--repeat", type=int, default=3, help="Runs of each timing (median).")
        parser.add_argument(
            "--workers",
            type=int,
            default=2,
            help="Also time the full run with its chunks on this many connections at once, "
            "as that many Celery workers share it (PostgreSQL).",
        )
        parser.add_argument(
            "--keep-data", action="store_true", help="Reuse BENCH- data already loaded."
        )

    def handle(self, *args, customers, transactions_per_customer, interactions_per_customer,
               repeat, keep_data, workers, **options):  # fmt: skip
        with engine_alone():
            self.run(customers, transactions_per_customer, interactions_per_customer, repeat,
                     keep_data, workers)  # fmt: skip

    def run(self, customers, transactions_per_customer, interactions_per_customer, repeat,
            keep_data, workers) -> None:  # fmt: skip
        if Customer.objects.exclude(number__startswith=PREFIX).exists():
            raise CommandError(
                "This database holds real customers. Run the benchmark on its own database "
                "(DATABASE_URL=.../cockpit_bench)."
            )
        write = self.stdout.write
        if not (keep_data and Customer.objects.count() == customers):
            started = time.perf_counter()
            self.load(customers, transactions_per_customer, interactions_per_customer)
            write(f"loaded {customers} customers in {time.perf_counter() - started:.1f} s")
        transactions = transactions_per_customer * customers
        write(f"engine: {connection.vendor}; customers: {customers}; transactions: {transactions}")

        timed("DROP TABLE IF EXISTS bench_naive_transactions")
        timed(
            "CREATE TABLE bench_naive_transactions AS "
            "SELECT customer_id, kind, occurred_on, amount FROM customers_transaction"
        )
        self.analyze("bench_naive_transactions")
        as_of = f"DATE '{AS_OF}'" if connection.vendor == "postgresql" else f"'{AS_OF}'"
        naive_sql = f"""
            SELECT COUNT(*), SUM(recency), SUM(frequency), SUM(monetary) FROM (
                SELECT customer_id, {days_between(as_of, "MAX(occurred_on)")} AS recency,
                       COUNT(*) AS frequency,
                       SUM(amount) AS monetary
                FROM bench_naive_transactions GROUP BY customer_id) per_customer
        """
        naive = statistics.median(timed(naive_sql) for _ in range(repeat))
        naive_workers = self.planned_workers(naive_sql)

        CustomerKPI.objects.all().delete()
        CustomerKPISnapshot.objects.all().delete()
        KPIRun.objects.all().delete()
        started = time.perf_counter()
        runs.recompute_all(AS_OF)
        first_ever = time.perf_counter() - started
        # (b) as every night: all rows written anew, the previous run's cuts known.
        full_times, rows = [], 0
        for _ in range(repeat):
            CustomerKPI.objects.all().delete()
            CustomerKPISnapshot.objects.all().delete()
            self.analyze("customers_customerkpi")
            started = time.perf_counter()
            run = runs.recompute_all(AS_OF)
            full_times.append(time.perf_counter() - started)
            rows = run.rows_written
        full = statistics.median(full_times)
        parallel_times = []
        if workers > 1 and connection.vendor == "postgresql":
            for _ in range(repeat):
                CustomerKPI.objects.all().delete()
                CustomerKPISnapshot.objects.all().delete()
                self.analyze("customers_customerkpi")
                started = time.perf_counter()
                runs.recompute_all(AS_OF, workers=workers)
                parallel_times.append(time.perf_counter() - started)

        started = time.perf_counter()
        steady = runs.recompute_all(AS_OF)
        nightly = time.perf_counter() - started

        predictive_times = []
        for _ in range(repeat):
            started = time.perf_counter()
            model = predictive.refresh(AS_OF)
            predictive_times.append(time.perf_counter() - started)
        predictive_step = statistics.median(predictive_times)

        touched = self.add_transactions(10_000)
        incremental_times = []
        for _ in range(repeat):
            started = time.perf_counter()
            runs.recompute_customers(touched, AS_OF)
            incremental_times.append(time.perf_counter() - started)
        incremental = statistics.median(incremental_times)
        timed("DROP TABLE bench_naive_transactions")

        write(
            f"(a) naive GROUP BY of R, F, M over an unindexed copy: {naive:.2f} s (median; "
            f"{naive_workers} parallel workers planned)"
        )
        write(
            f"(b) full recompute of every KPI into an empty table: {full:.2f} s (median), "
            f"{rows} rows written"
        )
        write(
            f"    of which the predictive model (summary, fit, holdout check, scoring, "
            f"writing): {predictive_step:.2f} s (median); fit {model.fit_seconds:.2f} s, "
            f"scoring {model.score_seconds:.2f} s, {model.get_status_display()}"
        )
        write(f"(c) ratio b/a: {full / naive:.2f}")
        if parallel_times:
            parallel = statistics.median(parallel_times)
            write(
                f"(b') the same full recompute, chunks on {workers} connections at once (as "
                f"{workers} Celery workers): {parallel:.2f} s (median); ratio b'/a: "
                f"{parallel / naive:.2f}"
            )
        write(
            f"(d) incremental recompute after 10000 new transactions: {incremental:.2f} s "
            f"(median), {100 * incremental / full:.1f}% of b"
        )
        write(f"    first-ever run (no earlier cuts, every score set by a second pass): "
              f"{first_ever:.2f} s")  # fmt: skip
        write(f"    full run over existing rows on unchanged data: {nightly:.2f} s "
              f"({steady.rows_written} rows)")  # fmt: skip

    def planned_workers(self, sql: str) -> int:
        if connection.vendor != "postgresql":
            return 0
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        planned = [
            int(line.split(":")[1]) for line in plan.splitlines() if "Workers Planned" in line
        ]
        return max(planned, default=0)

    def analyze(self, table: str) -> None:
        if connection.vendor == "postgresql":
            timed(f"VACUUM ANALYZE {table}")
        else:
            timed(f"ANALYZE {table}")

    def load(self, customers: int, per_customer: int, interactions: int) -> None:
        with transaction.atomic():
            wipe_book()
        now = "CURRENT_TIMESTAMP"
        timed(f"""
            INSERT INTO customers_customer (number, name, kind, industry, customer_since,
                contact_opt_out, notes, created_at, updated_at)
            SELECT '{PREFIX}' || g, 'Bench customer ' || g, 'company', 'manufacturing',
                {date_minus("1200 + g % 900")}, false, '', {now}, {now}
            FROM {series(customers)}
        """)  # fmt: skip
        kinds = "CASE WHEN (c.id + t.g) % 20 = 0 THEN 'return' WHEN (c.id + t.g) % 7 = 0 " \
                "THEN 'order' ELSE 'invoice' END"  # fmt: skip
        day = "((c.id * 7919 + t.g * 104729) % 1100)"
        timed(f"""
            INSERT INTO customers_transaction (customer_id, kind, occurred_on, amount, currency,
                source, external_ref, due_on, paid_on, created_at)
            SELECT c.id, {kinds}, {date_minus(day)}, 10 + (c.id * 31 + t.g * 17) % 990,
                'EUR', 'bench', '', {date_minus(day + " - 30")},
                CASE WHEN (c.id + t.g) % 9 = 0 THEN NULL ELSE {date_minus(day + " - 35")} END,
                {now}
            FROM customers_customer c CROSS JOIN {series(per_customer, "t")}
        """)  # fmt: skip
        iday = "((c.id * 3571 + t.g * 7907) % 700)"
        timed(f"""
            INSERT INTO customers_interaction (customer_id, channel, direction, kind,
                occurred_at, occurred_on, rating, satisfaction, summary, source, external_ref,
                created_at)
            SELECT c.id, 'phone',
                CASE WHEN t.g % 2 = 0 THEN 'inbound' ELSE 'outbound' END,
                CASE WHEN (c.id + t.g) % 11 = 0 THEN 'complaint' ELSE 'contact' END,
                {now}, {date_minus(iday)},
                CASE (c.id + t.g) % 3 WHEN 0 THEN 'positive' WHEN 1 THEN 'neutral'
                    ELSE 'negative' END,
                1 + (c.id + t.g) % 5, '', 'bench', '', {now}
            FROM customers_customer c CROSS JOIN {series(interactions, "t")}
        """)  # fmt: skip
        for table in ("customers_customer", "customers_transaction", "customers_interaction"):
            self.analyze(table)

    def add_transactions(self, count: int) -> list[int]:
        """``count`` new transactions, one each for ``count`` customers spread over the book."""
        first, last = (
            Customer.objects.order_by("id").values_list("id", flat=True)[:1][0],
            (Customer.objects.order_by("-id").values_list("id", flat=True)[:1][0]),
        )
        step = max((last - first + 1) // count, 1)
        ids = list(range(first, last + 1, step))[:count]
        from customers.models import Transaction

        Transaction.objects.bulk_create(
            [
                Transaction(
                    customer_id=i, kind="order", occurred_on=AS_OF, amount=100, source="bench"
                )
                for i in ids
            ],
            batch_size=5000,
        )
        return ids
