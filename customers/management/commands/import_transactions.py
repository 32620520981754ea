from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from customers.importers import ImportFailed, import_frame, read_cdnow, read_csv


class Command(BaseCommand):
    help = (
        "Import transactions from a CDNOW file or a CSV file (layout: customers/importers.py). "
        "Idempotent: importing the same file again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=["cdnow", "csv"], default="csv")
        parser.add_argument(
            "--no-recompute",
            action="store_true",
            help="Do not queue a KPI recompute for the imported customers.",
        )

    def handle(self, *args, file: Path, format: str, no_recompute: bool, **options):
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        try:
            frame = read_cdnow(file) if format == "cdnow" else read_csv(file)
            result = import_frame(frame)
        except ImportFailed as exc:
            raise CommandError(f"{file}: {exc}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{file.name}: {result.rows} rows read, {result.transactions_created} "
                f"transactions and {result.customers_created} customers created."
            )
        )
        if result.transactions_created and not no_recompute:
            from customers.tasks import recompute_customer_kpis

            transaction.on_commit(lambda: recompute_customer_kpis.delay(result.customer_ids))
