import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from alerts import delivery
from alerts.digests import queue_digests


class Command(BaseCommand):
    help = "Send the daily or weekly alert digest to the users who chose it. Safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=["daily", "weekly"], default="daily")
        parser.add_argument("--date", type=dt.date.fromisoformat, default=None)

    def handle(self, *args, frequency: str, date, **options):
        created = queue_digests(frequency, date or timezone.localdate())
        sent = sum(delivery.handle_one(pk) for pk in created)
        self.stdout.write(
            self.style.SUCCESS(f"{len(created)} {frequency} digests queued, {sent} sent.")
        )
