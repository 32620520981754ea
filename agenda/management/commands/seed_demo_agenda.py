from django.core.management.base import BaseCommand
from django.utils import timezone

from agenda.demo import seed_demo_agenda


class Command(BaseCommand):
    help = "Action plans, follow-ups from red alerts and manual tasks for the demo reps."

    def handle(self, *args, **options):
        counts = seed_demo_agenda(timezone.localdate())
        self.stdout.write(
            self.style.SUCCESS(
                "Demo agenda: {plans} action plans and {tasks} tasks added; open tasks from "
                "contact cadences: {cadence_tasks}, from sequences: {sequence_tasks}.".format(
                    **counts
                )
            )
        )
