"""Alert mails: subject, text and HTML from templates, in the recipient's language."""

import datetime as dt
from dataclasses import dataclass
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from alerts.choices import LEVEL_RANK, VALUE_CLASS_RANK, EventKind
from alerts.models import AlertEvent, Notification
from cockpit.roles import sees_all_customers

# A mail lists the reddest and most valuable customers; the rest are one link away in the
# inbox. A mail of every alert of a whole book is a mail nobody reads.
LISTED_AT_MOST = 50


@dataclass
class MailItem:
    event: AlertEvent
    url: str
    level: str  # the colour the mail reports: the event's for news, the alert's for digests
    kpi_value: float | None
    bound: float | None
    news: str = ""  # digests: "new" or "escalated" within the digest's period


DIGEST_PERIODS = {"daily": dt.timedelta(days=1), "weekly": dt.timedelta(days=7)}


def mail_items(notification: Notification) -> list[MailItem]:
    """The events of a mail, the reddest and most valuable customers first; in a digest
    what opened or escalated within its period leads within its colour (the mail lists
    only the first LISTED_AT_MOST), then the oldest."""
    events = notification.events.select_related("alert__customer__kpi", "alert__rule").order_by(
        "id"
    )

    digest = notification.kind != "immediate"
    period_start = notification.created_at - DIGEST_PERIODS.get(notification.kind, dt.timedelta())

    def news(event: AlertEvent) -> str:
        if not digest or event.created_at < period_start:
            return ""
        if event.alert.opened_at >= period_start:
            return "new"
        return "escalated" if event.kind == EventKind.ESCALATED else ""

    def item(event: AlertEvent) -> MailItem:
        alert = event.alert
        return MailItem(
            event=event,
            url=settings.SITE_URL + alert.get_absolute_url(),
            level=alert.level if digest else event.level_after,
            kpi_value=alert.kpi_value if digest else event.kpi_value,
            bound=alert.bound if digest else event.bound,
            news=news(event),
        )

    def order(item: MailItem):
        alert = item.event.alert
        kpi = getattr(alert.customer, "kpi", None)
        value_class = kpi.value_class if kpi else "C"
        return (-LEVEL_RANK[item.level], not item.news, VALUE_CLASS_RANK[value_class],
                alert.opened_at, alert.customer.name)  # fmt: skip

    return sorted((item(e) for e in events), key=order)


def _why_you_get_it(notification: Notification, team: bool) -> str:
    """The footer's reason, by who reads it: a rep's own customers, the team a manager
    leads (``team``), an address a rule names, or an overview the reader chose."""
    if notification.kind in ("daily", "weekly"):
        return _("You get this overview because you chose it in your mail settings.")
    if notification.user is None:
        return _("You get this mail because a tolerance rule sends its alerts to this address.")
    if team:
        return _("You get this mail because you lead the team that looks after these customers.")
    return _("You get this mail because you look after these customers.")


def make_message(notification: Notification) -> EmailMultiAlternatives:
    items = mail_items(notification)
    team = notification.user is not None and sees_all_customers(notification.user)
    with translation.override(notification.language):
        red = sum(1 for i in items if i.level == "red")
        yellow = sum(1 for i in items if i.level == "yellow")
        more = max(len(items) - LISTED_AT_MOST, 0)
        news = sum(1 for i in items if i.news)
        context = {
            "items": items[:LISTED_AT_MOST],
            "total": len(items),
            "more": more,
            # counts as the reader writes them: 1,509 / 1.509
            "total_shown": number_format(len(items), force_grouping=True),
            "more_shown": number_format(more, force_grouping=True),
            "red_shown": number_format(red, force_grouping=True),
            "yellow_shown": number_format(yellow, force_grouping=True),
            "inbox_url": settings.SITE_URL + reverse("alerts:inbox"),
            "settings_url": settings.SITE_URL + reverse("mail_settings"),
            "news": news,
            "news_shown": number_format(news, force_grouping=True),
            "weekly": notification.kind == "weekly",
            "red": red,
            "yellow": yellow,
            "digest": notification.kind in ("daily", "weekly"),
            "reminder": notification.kind in ("reminded", "copied_to_manager"),
            "site_url": settings.SITE_URL,
            "why_you_get_it": _why_you_get_it(notification, team),
            "team": team,
        }
        subject = " ".join(render_to_string("emails/alerts_subject.txt", context).split())
        text = render_to_string("emails/alerts.txt", context)
        html = render_to_string("emails/alerts.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.email],
        headers={
            "Message-ID": make_msgid(domain="relationship-cockpit"),
            "Auto-Submitted": "auto-generated",
            "X-Cockpit-Notification": str(notification.pk),
        },
    )
    message.attach_alternative(html, "text/html")
    return message
