from django.core.management.base import BaseCommand, CommandError

from alerts.evaluation import evaluate
from customers.models import KPIRun


class Command(BaseCommand):
    help = "Evaluate every tolerance rule against the latest KPIs. Safe to repeat."

    def handle(self, *args, **options):
        run = KPIRun.objects.filter(status=KPIRun.Status.FINISHED).order_by("-pk").first()
        if run is None:
            raise CommandError("No KPIs yet: run recompute_kpis first.")
        result = evaluate(run.pk)
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.rules} rules evaluated against KPI run {run.pk}: "
                f"{result.opened} opened, {result.escalated} escalated, "
                f"{result.de_escalated} back to yellow, {result.resolved} resolved, "
                f"{result.snooze_ended} snoozes ended."
            )
        )
