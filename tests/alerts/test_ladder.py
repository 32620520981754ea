"""The escalation ladder: repeat to the owner, then copy to the owner's manager."""

import datetime as dt

import pytest
from django.core import mail

from alerts import delivery, services
from alerts.evaluation import evaluate
from alerts.ladder import climb
from alerts.models import Alert, AlertEvent, ToleranceRule
from cockpit.models import UserProfile
from cockpit.roles import Role
from tests.alerts.test_evaluation import NOW, rule, with_kpis
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def only_test_rules():
    ToleranceRule.objects.all().delete()


@pytest.fixture
def open_alert(customer_a, rep_a):
    boss = make_user("boss", Role.MANAGER)
    UserProfile.objects.create(user=rep_a, manager=boss)
    rule()
    with_kpis(customer_a, recency_days=400)
    evaluate(1, now=NOW)
    mail.outbox.clear()
    return Alert.objects.get()


def climb_and_send(days: int) -> list[str]:
    for pk in climb(NOW + dt.timedelta(days=days)):
        delivery.handle_one(pk)
    return [m.to[0] for m in mail.outbox]


def test_an_unacknowledged_alert_is_repeated_then_copied_to_the_manager(open_alert):
    assert climb_and_send(2) == []
    assert climb_and_send(3) == ["rep_a@example.com"]
    assert climb_and_send(4) == ["rep_a@example.com"]  # each step once
    assert climb_and_send(7) == ["rep_a@example.com", "boss@example.com"]
    assert mail.outbox[0].subject == (
        "Relationship Cockpit reminder: 1 alert still unacknowledged (1 red, 0 yellow)"
    )
    assert "Nobody has acknowledged these alerts yet." in mail.outbox[0].body
    kinds = list(AlertEvent.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["opened", "reminded", "copied_to_manager"]


def test_an_acknowledged_alert_does_not_climb(open_alert, rep_a):
    services.acknowledge(open_alert, rep_a)
    assert climb_and_send(10) == []


def test_without_a_manager_the_ladder_stops_at_the_owner(open_alert, rep_a):
    UserProfile.objects.filter(user=rep_a).update(manager=None)
    assert climb_and_send(10) == ["rep_a@example.com"]
