from pathlib import Path

from customers.importers import import_cdnow
from customers.imports import ImportResult
from customers.management.commands._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Import transactions from CSV or Excel (layout: docs/import.md) or a CDNOW file. "
        "Idempotent: importing the same file again adds nothing."
    )
    kind = "transactions"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--format",
            choices=["csv", "xlsx", "cdnow"],
            default=None,
            help="Default: from the file name (.xlsx is Excel).",
        )

    def handle(self, *args, format: str | None = None, **options):
        self.format = format
        super().handle(*args, **options)

    def run(self, file: Path, dry_run: bool) -> ImportResult:
        if self.format == "cdnow":
            return import_cdnow(file, dry_run=dry_run, recompute=self.recompute)
        return super().run(file, dry_run)
