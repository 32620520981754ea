"""Alert mail through the outbox: who gets what, in which language, exactly once."""

import datetime as dt
import smtplib
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alerts import delivery, emails
from alerts.evaluation import evaluate
from alerts.models import Alert, Notification, ToleranceRule
from cockpit.models import UserProfile
from cockpit.roles import Role
from customers.models import Customer, KPIRun
from tests.alerts.test_evaluation import NOW, rule, set_kpi, with_kpis
from tests.conftest import logged_in
from tests.factories import CustomerFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def only_test_rules():
    ToleranceRule.objects.all().delete()


@pytest.fixture(autouse=True)
def retries_due_at_once(monkeypatch):
    monkeypatch.setattr(delivery, "retry_delay", lambda attempts: dt.timedelta(0))


def deliver_all() -> int:
    """What the minutely beat task does."""
    return sum(delivery.handle_one(pk) for pk in delivery.due_ids(timezone.now()))


@pytest.fixture
def book(rep_a, rep_b):
    rule(name="No purchase for long", guidance="Offer a reorder.")
    with_kpis(CustomerFactory(number="A-1", name="Alpha GmbH", owner=rep_a), recency_days=200,
              value_class="A")  # fmt: skip
    with_kpis(CustomerFactory(number="A-2", name="Zeta AG", owner=rep_a), recency_days=400,
              value_class="C")  # fmt: skip
    with_kpis(CustomerFactory(number="A-3", name="Beta KG", owner=rep_a), recency_days=400,
              value_class="A")  # fmt: skip
    with_kpis(CustomerFactory(number="B-1", name="Bravo SE", owner=rep_b), recency_days=400)


def test_one_mail_per_recipient_reddest_and_most_valuable_first(book):
    result = evaluate(1, now=NOW)
    assert len(result.notification_ids) == 2
    assert deliver_all() == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {"rep_a@example.com", "rep_b@example.com"}
    message = by_recipient["rep_a@example.com"]
    assert message.subject == "Relationship Cockpit: 3 alerts (2 red, 1 yellow)"
    body = message.body
    assert body.index("Beta KG") < body.index("Zeta AG") < body.index("Alpha GmbH")
    assert "Recency is 400 days, beyond 365 days." in body
    assert "What to do now: Offer a reorder." in body
    assert "http://127.0.0.1:8000/customers/A-3/#alert-" in body
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    html = message.alternatives[0][0]
    assert "Beta KG" in html and "Offer a reorder." in html


def test_a_second_run_with_nothing_changed_sends_nothing(book):
    evaluate(1, now=NOW)
    deliver_all()
    evaluate(1, now=NOW + dt.timedelta(minutes=5))  # same KPI run
    evaluate(2, now=NOW + dt.timedelta(minutes=10))  # new run, same values
    assert deliver_all() == 0
    assert len(mail.outbox) == 2


def test_a_rule_added_after_the_runs_mail_is_mailed_when_the_run_is_evaluated_again(book):
    evaluate(1, now=NOW)
    deliver_all()
    first = len(mail.outbox)
    rule(name="Silent for long", kpi="recency_days", yellow_bound=300, red_bound=390,
         guidance="Visit them.")  # fmt: skip
    evaluate(1, now=NOW + dt.timedelta(hours=2))  # the same KPI run, as after a rule edit
    assert deliver_all() == 2
    told = {m.to[0]: m for m in mail.outbox[first:]}
    assert set(told) == {"rep_a@example.com", "rep_b@example.com"}
    body = told["rep_a@example.com"].body
    assert "Silent for long" in body and "No purchase for long" not in body
    assert "Zeta AG" in body and "Beta KG" in body and "Alpha" not in body  # 400 days, not 200
    evaluate(1, now=NOW + dt.timedelta(hours=3))
    assert deliver_all() == 0


def test_an_escalation_is_mailed_again(book, rep_a):
    evaluate(1, now=NOW)
    deliver_all()
    set_kpi(CustomerFactory._meta.model.objects.get(number="A-1"), recency_days=500)
    evaluate(2, now=NOW + dt.timedelta(hours=1))
    deliver_all()
    last = mail.outbox[-1]
    assert last.to == ["rep_a@example.com"]
    assert last.subject == "Relationship Cockpit: 1 alert (1 red, 0 yellow)"
    assert "Alpha GmbH" in last.body


def test_the_mail_speaks_the_recipients_language(book, rep_a):
    UserProfile.objects.create(user=rep_a, language="de")
    evaluate(1, now=NOW)
    deliver_all()
    german = next(m for m in mail.outbox if m.to == ["rep_a@example.com"])
    assert german.subject == "Relationship Cockpit: 3 Alarme (2 rot, 1 gelb)"
    assert "Was jetzt zu tun ist: Offer a reorder." in german.body
    ToleranceRule.objects.update(name_de="Lange kein Kauf", guidance_de="Nachbestellung anbieten.")
    evaluate(2, now=NOW + dt.timedelta(hours=1))
    set_kpi(CustomerFactory._meta.model.objects.get(number="A-1"), recency_days=400)
    evaluate(3, now=NOW + dt.timedelta(hours=2))
    deliver_all()
    escalated = mail.outbox[-1]
    assert escalated.to == ["rep_a@example.com"]
    assert "Lange kein Kauf: " in escalated.body  # the rule's German wording
    assert "Was jetzt zu tun ist: Nachbestellung anbieten." in escalated.body


def test_owners_who_chose_a_digest_or_no_mail_get_none_now(book, rep_a, rep_b):
    UserProfile.objects.create(user=rep_a, alert_mail="daily")
    UserProfile.objects.create(user=rep_b, alert_mail="off")
    assert evaluate(1, now=NOW).notification_ids == []


def test_managers_get_red_of_escalating_rules_at_once(rep_a):
    manager = make_user("boss", Role.MANAGER)
    rule(name="Key account silent", kpi="days_since_contact", yellow_bound=90, red_bound=180,
         escalating=True)  # fmt: skip
    rule(name="Plain", kpi="recency_days")
    with_kpis(CustomerFactory(owner=rep_a), days_since_contact=200, recency_days=400)
    evaluate(1, now=NOW)
    deliver_all()
    to_manager = [m for m in mail.outbox if m.to == [manager.email]]
    assert len(to_manager) == 1
    assert "Key account silent" in to_manager[0].body and "Plain" not in to_manager[0].body
    assert "because you lead the team that looks after these customers." in to_manager[0].body


def test_extra_addresses_get_their_rules_alerts(rep_a):
    rule(extra_recipients="key-accounts@example.com\n  \nsales-lead@example.com")
    with_kpis(CustomerFactory(owner=rep_a), recency_days=400)
    evaluate(1, now=NOW)
    deliver_all()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "key-accounts@example.com",
        "rep_a@example.com",
        "sales-lead@example.com",
    ]
    why = {m.to[0]: m.body.rsplit("Relationship Cockpit. ", 1)[1] for m in mail.outbox}
    assert why["sales-lead@example.com"].startswith(
        "You get this mail because a tolerance rule sends its alerts to this address."
    )
    assert why["rep_a@example.com"].startswith(
        "You get this mail because you look after these customers."
    )


def test_an_smtp_outage_then_recovery_sends_each_mail_exactly_once(book):
    evaluate(1, now=NOW)
    outage = mock.patch(
        "django.core.mail.EmailMultiAlternatives.send",
        side_effect=smtplib.SMTPServerDisconnected("connection lost"),
    )
    with outage:
        assert deliver_all() == 0
    notification = Notification.objects.get(email="rep_a@example.com")
    assert (notification.status, notification.attempts) == ("retry", 1)
    assert "SMTPServerDisconnected" in notification.error
    assert mail.outbox == []
    assert deliver_all() == 2  # the retry is due
    assert deliver_all() == 0  # nothing left
    assert len(mail.outbox) == 2
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_a_mail_that_keeps_failing_is_marked_failed(book, settings):
    settings.ALERT_MAIL_MAX_ATTEMPTS = 2
    evaluate(1, now=NOW)
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("no route")
    ):
        deliver_all()
        deliver_all()
    assert set(Notification.objects.values_list("status", flat=True)) == {"failed"}

    # The admin sees each failed mail with its error, and sends it again once SMTP works.
    admin = logged_in(make_user("admin_x", Role.ADMIN))
    page = admin.get("/admin/alerts/notification/?status__exact=failed").content.decode()
    assert "rep_a@example.com" in page and "OSError: no route" in page
    failed = list(Notification.objects.values_list("pk", flat=True))
    admin.post(
        "/admin/alerts/notification/",
        {"action": "send_again", "_selected_action": failed},
    )
    assert deliver_all() == len(failed)
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_a_notification_is_claimed_once(book):
    notification_id = evaluate(1, now=NOW).notification_ids[0]
    assert delivery.claim(notification_id, timezone.now()) is True
    assert delivery.claim(notification_id, timezone.now()) is False  # in flight elsewhere
    assert delivery.handle_one(notification_id) is False
    assert mail.outbox == []


def test_the_text_part_is_not_html_escaped(rep_a):
    rule()
    with_kpis(CustomerFactory(name="Müller & Söhne GmbH", owner=rep_a), recency_days=400)
    evaluate(1, now=NOW)
    deliver_all()
    assert "Müller & Söhne GmbH" in mail.outbox[0].body
    assert "Müller &amp; Söhne GmbH" in mail.outbox[0].alternatives[0][0]


def test_a_mail_lists_the_first_fifty_and_links_the_inbox_for_the_rest(rep_a, monkeypatch):
    monkeypatch.setattr(emails, "LISTED_AT_MOST", 2)
    rule(name="No purchase for long", guidance="Offer a reorder.")
    for number, recency in [("A-1", 400), ("A-2", 200), ("A-3", 500)]:
        with_kpis(CustomerFactory(number=number, owner=rep_a), recency_days=recency)
    evaluate(1, now=NOW)
    deliver_all()
    (message,) = mail.outbox
    assert message.subject == "Relationship Cockpit: 3 alerts (2 red, 1 yellow)"
    assert "A-1" in message.body and "A-3" in message.body and "(A-2)" not in message.body
    assert "... and 1 more alert in the alert inbox: http://127.0.0.1:8000/alerts/" in message.body
    assert message.body.rstrip().endswith("How often: http://127.0.0.1:8000/me/mail/")


def test_a_rep_chooses_a_daily_digest_instead_of_mail_at_once(rep_a, client):
    client.force_login(rep_a)
    page = client.get(reverse("mail_settings")).content.decode()
    assert "How often you hear about alerts on your customers by e-mail." in page
    response = client.post(reverse("mail_settings"), {"alert_mail": "daily"})
    assert response.status_code == 302
    assert UserProfile.objects.get(user=rep_a).alert_mail == "daily"


@time_machine.travel(dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC), tick=False)
def test_a_run_as_of_an_old_day_records_its_alerts_but_mails_nobody(book):
    from alerts.tasks import evaluate_alerts

    replay = KPIRun.objects.create(kind="full", status="finished", as_of=dt.date(2026, 6, 30),
                                   started_at=timezone.now())  # fmt: skip
    evaluate_alerts(replay.pk)
    assert Alert.objects.count() == 4
    assert not Notification.objects.exists()
    set_kpi(Customer.objects.get(number="A-1"), recency_days=400)
    yesterday = KPIRun.objects.create(kind="full", status="finished", as_of=dt.date(2026, 12, 6),
                                      started_at=timezone.now())  # fmt: skip
    evaluate_alerts(yesterday.pk)
    deliver_all()
    assert [m.subject for m in mail.outbox] == ["Relationship Cockpit: 1 alert (1 red, 0 yellow)"]
