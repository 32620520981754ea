"""Benchmark of the alert evaluation on synthetic KPIs with the starter rule set.

Run it on its own database (it refuses one with real customers):

    DATABASE_URL=postgres://postgres@127.0.0.1/cockpit_bench \\
        python manage.py bench_alerts --customers 1000000
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models.functions import Mod

from alerts.evaluation import evaluate
from alerts.models import ToleranceRule
from customers.benchdata import AS_OF, PREFIX, series, timed, wipe_book
from customers.models import Customer, CustomerKPI

PHASES = "CASE g % 5 WHEN 0 THEN 'new' WHEN 1 THEN 'growing' WHEN 2 THEN 'loyal' " \
         "WHEN 3 THEN 'at_risk' ELSE 'lapsed' END"  # fmt: skip


class Command(BaseCommand):
    help = "Time a first evaluation of the starter rules and a second with 1% changed."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=100_000)

    def handle(self, *args, customers: int, **options):
        if Customer.objects.exclude(number__startswith=PREFIX).exists():
            raise CommandError("This database holds real customers: use a benchmark database.")
        write = self.stdout.write
        started = time.perf_counter()
        self.load(customers)
        write(f"loaded {customers} customers with synthetic KPIs in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        rules = ToleranceRule.objects.filter(enabled=True).count()

        started = time.perf_counter()
        first = evaluate(1)
        first_seconds = time.perf_counter() - started
        write(f"first evaluation ({rules} rules): {first_seconds:.2f} s, "
              f"{first.opened} alerts opened")  # fmt: skip

        changed = self.change_one_percent()
        started = time.perf_counter()
        second = evaluate(2, customer_ids=changed)
        second_seconds = time.perf_counter() - started
        write(
            f"second evaluation, {len(changed)} changed customers (1%): {second_seconds:.2f} s "
            f"({second.opened} opened, {second.escalated} escalated, "
            f"{second.de_escalated} back to yellow, {second.resolved} resolved)"
        )
        started = time.perf_counter()
        evaluate(2)
        write(f"the same run evaluated again for every customer: "
              f"{time.perf_counter() - started:.2f} s (changes nothing)")  # fmt: skip

    def load(self, customers: int) -> None:
        with transaction.atomic():
            wipe_book()
        timed(f"""
            INSERT INTO customers_customer (number, name, kind, industry, contact_opt_out,
                notes, created_at, updated_at)
            SELECT '{PREFIX}' || g, 'Bench customer ' || g, 'company', 'manufacturing', false,
                '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
            FROM {series(customers, "s")}
        """)  # fmt: skip
        # Spread values so each starter rule finds green, yellow and red customers.
        timed(f"""
            INSERT INTO customers_customerkpi (customer_id, as_of, computed_at, frequency,
                frequency_12m, contracts, contracts_12m, monetary_total, revenue_12m,
                revenue_prev_12m, frequency_prev_12m, overdue_amount, contacts_90d,
                complaints_90d, service_requests_90d, relationship_account, value_class,
                lifecycle_phase, recency_days, recency_ratio, revenue_trend_pct,
                payment_delay_days, days_since_contact)
            SELECT c.id, '{AS_OF}', CURRENT_TIMESTAMP, 5, 2, 0, 0, 1000, 500, 600, 3, 0, 1,
                c.g % 4, 0, 0,
                CASE c.g % 10 WHEN 0 THEN 'A' WHEN 1 THEN 'B' ELSE 'C' END,
                {PHASES.replace("g %", "c.g %")},
                (c.g * 37) % 500, ((c.g * 13) % 40) / 10.0, ((c.g * 7) % 120) - 60.0,
                (c.g * 11) % 45, (c.g * 17) % 240
            FROM (SELECT id, id AS g FROM customers_customer) c
        """)  # fmt: skip
        if connection.vendor == "postgresql":
            timed("VACUUM ANALYZE customers_customerkpi")
            timed("VACUUM ANALYZE customers_customer")

    def change_one_percent(self) -> list[int]:
        ids = list(
            CustomerKPI.objects.annotate(slot=Mod("customer_id", 100))
            .filter(slot=0)
            .values_list("customer_id", flat=True)
        )
        CustomerKPI.objects.filter(customer_id__in=ids).update(
            recency_days=0, recency_ratio=0.5, revenue_trend_pct=10.0, payment_delay_days=0,
            days_since_contact=10, complaints_90d=0,
        )  # fmt: skip
        return ids
