"""Server time of the pages people open most, on a large synthetic book.

Run it on its own database (it refuses one with real customers):

    DATABASE_URL=postgres://postgres@127.0.0.1/cockpit_bench \\
        python manage.py bench_pages --customers 1000000
"""

import statistics
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from alerts.colours import refresh_alert_ranks
from alerts.evaluation import evaluate
from alerts.management.commands.bench_alerts import Command as AlertBench
from cockpit.portfolio import migration_month, take_portfolio
from cockpit.roles import Role
from customers.benchdata import AS_OF, PREFIX, timed
from customers.models import Customer, RFMSegment

REPS = 40
INDUSTRIES = ["manufacturing", "wholesale", "retail", "insurance", "banking", "healthcare",
              "it_services", "construction", "logistics", "hospitality", "private"]  # fmt: skip


def bench_user(username: str, role: Role):
    user, _created = get_user_model().objects.get_or_create(username=username)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Median and 95th percentile server time of cockpit, lists, record and inbox."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=100_000)
        parser.add_argument("--requests", type=int, default=30, help="Requests per page.")
        parser.add_argument(
            "--keep-data", action="store_true", help="Reuse a book loaded by an earlier run."
        )

    def handle(self, *args, customers: int, requests: int, keep_data: bool, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Benchmarks run on PostgreSQL (set DATABASE_URL).")
        if Customer.objects.exclude(number__startswith=PREFIX).exists():
            raise CommandError("This database holds real customers: use a benchmark database.")
        write = self.stdout.write
        if not (keep_data and Customer.objects.count() == customers):
            started = time.perf_counter()
            self.load(customers)
            write(f"loaded {customers} customers with KPIs, alerts and portfolio in "
                  f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        manager = get_user_model().objects.get(username="bench-manager")
        rep = get_user_model().objects.get(username="bench-rep-1")
        record = Customer.objects.filter(owner=rep).order_by("id")[customers // REPS // 2]
        pages = [
            ("cockpit, manager, whole book", manager, "/cockpit/"),
            ("cockpit, manager, one industry and class A", manager,
             "/cockpit/?industry=retail&value_class=A"),
            ("cockpit, rep, own book", rep, "/cockpit/"),
            ("customer list, manager, class A, sorted by alert colour", manager,
             "/customers/?value_class=A&sort=-alert"),
            ("customer list, rep, red, sorted by alert colour", rep,
             "/customers/?alert=red&sort=-alert"),
            ("customer record, rep", rep, record.get_absolute_url()),
            ("alert inbox, rep", rep, "/alerts/"),
            ("alert inbox, manager, whole book", manager, "/alerts/"),
        ]  # fmt: skip
        write(f"engine: {connection.vendor}; customers: {customers}; "
              f"{requests} requests per page (the first one cold)")  # fmt: skip
        with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
            for label, user, url in pages:
                client = Client()
                client.force_login(user)
                times = []
                for _ in range(requests):
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200:
                        raise CommandError(f"{url} answered {response.status_code}")
                write(f"{label:<58} median {statistics.median(times):7.1f} ms   "
                      f"p95 {percentile(times, 0.95):7.1f} ms   "
                      f"cold {times[0]:7.1f} ms")  # fmt: skip

    def load(self, customers: int) -> None:
        AlertBench().load(customers)
        bench_user("bench-manager", Role.MANAGER)
        reps = [bench_user(f"bench-rep-{n}", Role.SALES_REP) for n in range(1, REPS + 1)]
        owner = "CASE " + " ".join(f"WHEN id % {REPS} = {n} THEN {rep.pk}"
                                   for n, rep in enumerate(reps)) + " END"  # fmt: skip
        industry = "CASE " + " ".join(f"WHEN id % {len(INDUSTRIES)} = {n} THEN '{name}'"
                                      for n, name in enumerate(INDUSTRIES)) + " END"  # fmt: skip
        timed(f"UPDATE customers_customer SET owner_id = {owner}, industry = {industry}, "
              f"customer_since = DATE '2020-01-01' + (id % 2000)::int")  # fmt: skip
        segments = list(RFMSegment.objects.order_by("id").values_list("id", flat=True))
        segment = "CASE " + " ".join(f"WHEN customer_id % {len(segments)} = {n} THEN {pk}"
                                     for n, pk in enumerate(segments)) + " END"  # fmt: skip
        timed(f"UPDATE customers_customerkpi SET rfm_segment_id = {segment}, "
              f"reaction_recency_days = recency_days, "
              f"relationship_days = 400 + customer_id % 2000, "
              f"days_since_contact = (customer_id * 17) % 240, "
              f"contact_overdue_days = GREATEST((customer_id * 17) % 240 - 90, 0)")  # fmt: skip
        month = migration_month(AS_OF)
        timed(f"""
            INSERT INTO customers_customerkpisnapshot (customer_id, month, reaction_recency_days,
                frequency, monetary_total, revenue_12m, rfm_segment_id, value_class,
                lifecycle_phase)
            SELECT customer_id, DATE '{month}', reaction_recency_days + 30, frequency,
                monetary_total, revenue_12m,
                CASE WHEN customer_id % 3 = 0 THEN rfm_segment_id ELSE {segments[0]} END,
                value_class, lifecycle_phase
            FROM customers_customerkpi
        """)  # fmt: skip
        timed("VACUUM ANALYZE customers_customer")
        timed("VACUUM ANALYZE customers_customerkpi")
        started = time.perf_counter()
        evaluate(1)
        self.stdout.write(f"alert evaluation: {time.perf_counter() - started:.1f} s")
        refresh_alert_ranks()
        started = time.perf_counter()
        cells = take_portfolio(AS_OF)
        self.stdout.write(
            f"portfolio taken: {cells} cells in {time.perf_counter() - started:.1f} s"
        )
        timed("VACUUM ANALYZE cockpit_portfoliocell")
        timed("VACUUM ANALYZE alerts_alert")
