"""What the import commands share: read the file, report every problem, print counts."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from customers.imports import ImportFailed, ImportResult, run_import


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV (UTF-8) or Excel (.xlsx)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row and count what would change; write nothing.",
        )
        parser.add_argument(
            "--no-recompute",
            dest="recompute",
            action="store_false",
            help="Do not queue a KPI recompute for the imported customers.",
        )

    def handle(self, *args, file: Path, dry_run: bool, recompute: bool = True, **options):
        self.recompute = recompute
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        try:
            result = self.run(file, dry_run)
        except ImportFailed as exc:
            raise CommandError(f"{file}: {exc}") from None
        self.report(file, result, dry_run)

    def run(self, file: Path, dry_run: bool) -> ImportResult:
        return run_import(
            self.kind, file.read_bytes(), file.name, dry_run=dry_run, recompute=self.recompute
        )

    def report(self, file: Path, result: ImportResult, dry_run: bool) -> None:
        prefix = "Dry run, nothing written: " if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{file.name}: {result.rows} rows read, {result.created} created, "
                f"{result.updated} updated, {result.unchanged} unchanged, "
                f"{result.customers_created} customers created."
            )
        )
