from django import template

from agenda.models import Task

register = template.Library()


@register.simple_tag
def alert_tasks(alert) -> list[Task]:
    """The tasks created from an alert, open ones first."""
    return list(Task.objects.filter(alert=alert).order_by("-status", "due_on"))
