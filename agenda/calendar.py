"""A user's open tasks as an iCalendar feed, read by calendar apps that cannot log in:
the address carries a signed token of the user instead."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from agenda.models import Task

SALT = "agenda.calendar-feed"


def feed_token(user) -> str:
    return signing.dumps(user.pk, salt=SALT, compress=True)


def user_for_token(token: str):
    """The user of a valid token, else None."""
    try:
        user_id = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


def feed_url(user) -> str:
    return reverse("agenda:calendar", args=[feed_token(user)])


def tasks_calendar(user, base_url: str) -> bytes:
    """Each open task of the user as an all-day event on its due date; an overdue one on
    today, as a calendar app would otherwise keep it out of sight in the past."""
    today = timezone.localdate()
    calendar = Calendar()
    calendar.add("prodid", "-//Relationship Cockpit//agenda//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Relationship Cockpit")
    tasks = (
        Task.objects.open()
        .filter(assignee=user)
        .select_related("customer", "contact", "alert__rule", "step")
    )
    for task in tasks:
        event = Event()
        event.add("uid", f"task-{task.pk}@relationship-cockpit")
        event.add("dtstamp", task.created_at)
        day = max(task.due_on, today)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", f"{task.display_title} · {task.customer.name}")
        lines = [task.display_notes] if task.notes else []
        if task.due_on < today:
            since = formats.date_format(task.due_on, "SHORT_DATE_FORMAT")
            lines.insert(0, _("Overdue since %(date)s.") % {"date": since})
        if task.contact:
            lines.append(f"{task.contact.name} {task.contact.phone}".strip())
        event.add("description", "\n".join(lines))
        event.add("url", base_url + task.customer.get_absolute_url())
        calendar.add_component(event)
    return calendar.to_ical()
