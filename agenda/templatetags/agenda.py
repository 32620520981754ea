from django import template

from agenda.models import Task

register = template.Library()


@register.simple_tag
def alert_tasks(alert) -> list[Task]:
    """The tasks created from an alert, open ones first."""
    tasks = list(
        Task.objects.filter(alert=alert).select_related("step").order_by("-status", "due_on")
    )
    for task in tasks:
        task.alert = alert  # its rule is loaded already; the task words itself from it
    return tasks
