"""Daily and weekly digests: open alerts, still-red first, once per user and day."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from alerts.evaluation import evaluate
from alerts.models import Alert, ToleranceRule
from cockpit.models import UserProfile
from cockpit.roles import Role
from tests.alerts.test_evaluation import NOW, rule, with_kpis
from tests.factories import CustomerFactory, make_user

pytestmark = pytest.mark.django_db

DAY = "2026-07-01"


@pytest.fixture(autouse=True)
def only_test_rules():
    ToleranceRule.objects.all().delete()


@pytest.fixture
def book(rep_a, rep_b):
    rule(guidance="Offer a reorder.")
    with_kpis(CustomerFactory(name="Yellow GmbH", owner=rep_a), recency_days=200)
    with_kpis(CustomerFactory(name="Red AG", owner=rep_a), recency_days=400)
    with_kpis(CustomerFactory(name="Other KG", owner=rep_b), recency_days=400)
    evaluate(1, now=NOW)
    mail.outbox.clear()  # the immediate mails of the evaluation


def digest(frequency: str = "daily") -> str:
    from io import StringIO

    out = StringIO()
    call_command("send_digest", "--frequency", frequency, "--date", DAY, stdout=out)
    return out.getvalue()


def test_a_manager_gets_a_daily_digest_of_all_open_alerts_red_first(book):
    manager = make_user("boss", Role.MANAGER)
    UserProfile.objects.create(user=manager, alert_mail="daily", language="de")
    assert "1 daily digests queued, 1 sent." in digest()
    [message] = mail.outbox
    assert message.to == [manager.email]
    assert message.subject == "Relationship Cockpit-Übersicht: 3 offene Alarme (2 rot, 1 gelb)"
    body = message.body
    assert body.index("Other KG") < body.index("Yellow GmbH")
    assert body.index("Red AG") < body.index("Yellow GmbH")
    assert body.startswith("Offene Alarme in Ihrem Team, rote zuerst.")
    assert "Sie erhalten diese Übersicht, weil Sie sie in Ihren Mail-Einstellungen gewählt" in body


def test_a_rep_digest_lists_only_their_customers(book, rep_a):
    UserProfile.objects.create(user=rep_a, alert_mail="weekly")
    digest("weekly")
    [message] = mail.outbox
    assert "Red AG" in message.body and "Yellow GmbH" in message.body
    assert "Other KG" not in message.body
    assert message.subject == "Relationship Cockpit digest: 2 open alerts (1 red, 1 yellow)"
    assert message.body.startswith("Your open alerts, red ones first.")


def test_the_digest_goes_out_once_a_day(book, rep_a):
    UserProfile.objects.create(user=rep_a, alert_mail="daily")
    digest()
    assert "0 daily digests queued, 0 sent." in digest()
    assert len(mail.outbox) == 1


def test_acknowledged_alerts_stay_in_the_digest_snoozed_ones_do_not(book, rep_a):
    UserProfile.objects.create(user=rep_a, alert_mail="daily")
    Alert.objects.filter(customer__name="Red AG").update(
        state="snoozed", snoozed_until=dt.date(2026, 8, 1)
    )
    digest()
    assert "Red AG" not in mail.outbox[0].body


def test_nobody_who_chose_otherwise_gets_a_digest(book, rep_a):
    UserProfile.objects.create(user=rep_a, alert_mail="immediate")
    assert "0 daily digests queued" in digest()


def test_a_digest_marks_what_opened_or_turned_red_since_the_day_before(rep_a):
    import time_machine

    from tests.alerts.test_evaluation import set_kpi

    rule(guidance="Offer a reorder.")
    escalating = with_kpis(CustomerFactory(name="Turning Red GmbH", owner=rep_a), recency_days=200)
    with_kpis(CustomerFactory(name="Steady Yellow KG", owner=rep_a), recency_days=200)
    evaluate(1, now=NOW - dt.timedelta(days=10))
    set_kpi(escalating, recency_days=400)
    with_kpis(CustomerFactory(name="New Red AG", owner=rep_a), recency_days=400)
    evaluate(2, now=NOW)
    UserProfile.objects.create(user=rep_a, alert_mail="daily")
    mail.outbox.clear()
    with time_machine.travel(dt.datetime(2026, 7, 1, 5, tzinfo=dt.UTC), tick=False):
        digest()
    [message] = mail.outbox
    assert message.body.startswith(
        "Your open alerts, red ones first. What to do is under each. 2 of them opened or "
        "turned red since yesterday: marked NEW or ESCALATED.\n"
    )
    lines = [line for line in message.body.splitlines() if "value class A" in line]
    assert [line.split(" (")[0] for line in lines] == [
        "ESCALATED · RED · Turning Red GmbH",
        "NEW · RED · New Red AG",
        "YELLOW · Steady Yellow KG",
    ]
    html = message.alternatives[0][0]
    assert html.count(">NEW</span>") == 1 and html.count(">ESCALATED</span>") == 1
