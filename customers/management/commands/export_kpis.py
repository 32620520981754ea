from pathlib import Path

from django.core.management.base import BaseCommand

from customers.kpis.export import write_kpis_csv


class Command(BaseCommand):
    help = "Write every customer's KPIs to a CSV file (one column per catalogue KPI)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        with open(file, "w", newline="") as out:
            rows = write_kpis_csv(out)
        self.stdout.write(self.style.SUCCESS(f"{rows} customers written to {file}."))
