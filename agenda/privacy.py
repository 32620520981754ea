"""The agenda's part of personal-data exports and erasures (settings.PERSONAL_DATA_HOOKS)."""

from agenda.models import Task
from customers.privacy import as_dict


def _tasks(customer, contact):
    tasks = Task.objects.filter(customer=customer)
    return tasks.filter(contact=contact) if contact is not None else tasks


def export(customer, contact) -> dict:
    return {"tasks": [as_dict(task) for task in _tasks(customer, contact)]}


def erase(customer, contact) -> None:
    """Free text about the person goes; the tasks themselves stay."""
    _tasks(customer, contact).update(notes="", outcome="")
