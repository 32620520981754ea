import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from customers.demo import DEMO_PASSWORD, DEMO_USERS, compute_demo_kpis, seed_demo_book
from customers.models import Customer


class Command(BaseCommand):
    help = "Create the demo book of business (deterministic for a given seed) and demo users."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            default=None,
            help="The day the history ends (YYYY-MM-DD); default today.",
        )
        parser.add_argument(
            "--reset", action="store_true", help="Delete all customers first (demo databases only)."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when customers already exist."
        )
        parser.add_argument(
            "--no-kpis",
            dest="kpis",
            action="store_false",
            help="Skip computing KPIs (and a year of monthly snapshots) after seeding.",
        )

    def handle(self, *args, customers, seed, as_of, reset, if_empty, kpis, **options):
        if customers < 1:
            raise CommandError("--customers must be at least 1.")
        if Customer.objects.exists() and not reset:
            if if_empty:
                self.stdout.write("Customers already exist; demo book left as it is.")
                self._print_logins()
                return
            raise CommandError("Customers already exist. Use --reset to replace them.")
        as_of = as_of or timezone.localdate()
        counts = seed_demo_book(customers=customers, seed=seed, as_of=as_of, reset=reset)
        if kpis:
            compute_demo_kpis(as_of)
        self.stdout.write(
            self.style.SUCCESS(
                "Demo book seeded: {customers} customers, {contacts} contact persons, "
                "{transactions} transactions, {interactions} interactions.".format(**counts)
            )
        )
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username:<8} {user.role.label}")
