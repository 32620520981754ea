import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from customers.kpis import runs
from customers.models import Customer


class Command(BaseCommand):
    help = "Recompute customer KPIs: all customers (a full run) or the ones named."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
        parser.add_argument(
            "--customer", nargs="+", metavar="NUMBER", default=[], help="Customer numbers."
        )
        parser.add_argument(
            "--workers",
            action="store_true",
            help="Hand the full run to the Celery workers (chunks shared) instead of "
            "running it in this process.",
        )

        parser.add_argument(
            "--parallel",
            type=int,
            default=1,
            metavar="N",
            help="Run the chunks of a full run on N database connections at once "
            "(PostgreSQL; without Celery workers).",
        )

    def handle(self, *args, as_of, customer, workers, parallel, **options):
        as_of = as_of or timezone.localdate()
        if customer:
            ids = dict(Customer.objects.filter(number__in=customer).values_list("number", "id"))
            unknown = sorted(set(customer) - set(ids))
            if unknown:
                raise CommandError(f"Unknown customer number(s): {', '.join(unknown)}")
            run = runs.recompute_customers(list(ids.values()), as_of)
            self.stdout.write(f"KPIs of {run.rows_written} customer(s) recomputed as of {as_of}.")
            return
        if workers:
            from customers.tasks import recompute_all_kpis

            run_id = recompute_all_kpis.delay(as_of.isoformat()).get()
            if run_id is None:
                raise CommandError("A full run is already running.")
            self.stdout.write(f"Full run {run_id} handed to the workers.")
            return
        try:
            run = runs.recompute_all(as_of, workers=parallel)
        except runs.RecomputeAlreadyRunning as exc:
            raise CommandError(str(exc)) from None
        seconds = (run.finished_at - run.started_at).total_seconds()
        self.stdout.write(
            self.style.SUCCESS(
                f"KPIs of {run.customers} customers recomputed as of {as_of} "
                f"in {seconds:.1f} s ({run.chunks} chunk(s), {run.rows_written} rows written)."
            )
        )
