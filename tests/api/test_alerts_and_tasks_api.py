"""Alerts with their actions, tolerance rules for admins, tasks."""

import pytest
import time_machine

from agenda.models import Task
from alerts.evaluation import evaluate
from alerts.models import Alert, ToleranceRule
from customers.models import Interaction
from tests.alerts.test_evaluation import NOW, rule, with_kpis

pytestmark = pytest.mark.django_db


@pytest.fixture
def red_alert(customer_a, customer_b):
    ToleranceRule.objects.all().delete()
    rule(name="No purchase for long", guidance="Offer a reorder.")
    with_kpis(customer_a, recency_days=400)
    with_kpis(customer_b, recency_days=400)
    evaluate(1, now=NOW)
    return Alert.objects.get(customer=customer_a)


def test_a_rep_sees_and_acts_on_their_alerts_only(api_a, red_alert, customer_b):
    listed = api_a.get("/api/v1/alerts/").json()["results"]
    assert [(a["customer"], a["level"]) for a in listed] == [("A-1", "red")]
    foreign = Alert.objects.get(customer=customer_b)
    assert api_a.post(f"/api/v1/alerts/{foreign.pk}/acknowledge/", {}).status_code == 404
    body = api_a.post(f"/api/v1/alerts/{red_alert.pk}/acknowledge/", {"note": "Called"}).json()
    assert (body["state"], body["events"][-1]["kind"], body["events"][-1]["note"]) == (
        "acknowledged", "acknowledged", "Called",
    )  # fmt: skip


def test_a_manager_filters_alerts_by_owner_as_the_inbox_does(api_manager, red_alert, rep_b):
    def customers(query: str) -> list[str]:
        return [a["customer"] for a in api_manager.get(f"/api/v1/alerts/{query}").json()["results"]]

    assert sorted(customers("")) == ["A-1", "B-1"]
    assert customers(f"?owner={rep_b.username}") == customers(f"?owner={rep_b.pk}") == ["B-1"]
    assert api_manager.get("/api/v1/alerts/?owner=nobody-here").status_code == 400


@time_machine.travel(NOW, tick=False)
def test_snooze_needs_a_future_day_and_a_reason(api_a, red_alert):
    refused = api_a.post(f"/api/v1/alerts/{red_alert.pk}/snooze/", {"until": "2026-06-01"})
    assert {e["field"] for e in refused.json()["errors"]} == {"reason"}
    past = api_a.post(f"/api/v1/alerts/{red_alert.pk}/snooze/",
                      {"until": "2026-06-01", "reason": "Holiday"})  # fmt: skip
    assert past.json()["errors"][0]["field"] == "until"
    ok = api_a.post(f"/api/v1/alerts/{red_alert.pk}/snooze/",
                    {"until": "2026-07-15", "reason": "Holiday"})  # fmt: skip
    assert (ok.json()["state"], ok.json()["snoozed_until"]) == ("snoozed", "2026-07-15")


def test_resolving_by_hand_turns_the_customer_green(api_a, red_alert, customer_a):
    body = api_a.post(f"/api/v1/alerts/{red_alert.pk}/resolve/", {"note": "Paid"}).json()
    assert (body["state"], body["events"][-1]["kind"]) == ("resolved", "resolved_by_hand")
    customer_a.refresh_from_db()
    assert customer_a.alert_rank == 0
    again = api_a.post(f"/api/v1/alerts/{red_alert.pk}/resolve/", {})
    assert again.status_code == 400
    assert api_a.get("/api/v1/alerts/").json()["results"] == []


def test_rules_are_for_admins(api_a, api_admin):
    assert api_a.get("/api/v1/rules/").status_code == 403
    pays_late = {"name": "Pays very late", "kpi": "payment_delay_days", "direction": "too_high",
                 "yellow_bound": 30, "red_bound": 14, "guidance": "Remind kindly."}  # fmt: skip
    bad = api_admin.post("/api/v1/rules/", pays_late, format="json")
    assert bad.status_code == 400
    assert [e["field"] for e in bad.json()["errors"]] == ["red_bound"]
    good = api_admin.post("/api/v1/rules/", pays_late | {"yellow_bound": 14, "red_bound": 30},
                          format="json")  # fmt: skip
    assert good.status_code == 201
    assert ToleranceRule.objects.filter(name="Pays very late").exists()
    again = api_admin.post("/api/v1/rules/", pays_late | {"yellow_bound": 14, "red_bound": 30},
                           format="json")  # fmt: skip
    assert [(e["field"], e["message"]) for e in again.json()["errors"]] == [
        ("name", "There is a rule of this name already.")
    ]


def test_tasks_are_created_and_completed_with_the_contact_logged(api_a, rep_a, customer_a,
                                                                 customer_b):  # fmt: skip
    created = api_a.post("/api/v1/tasks/", {"customer": "A-1", "kind": "call",
                         "title": "Reorder call", "due_on": "2026-11-27"})  # fmt: skip
    assert created.status_code == 201
    task = Task.objects.get()
    assert (task.assignee, task.origin) == (rep_a, "manual")
    done = api_a.post(f"/api/v1/tasks/{task.pk}/complete/",
                      {"outcome": "Ordered", "rating": "positive"}).json()  # fmt: skip
    assert (done["status"], done["outcome"]) == ("done", "Ordered")
    assert Interaction.objects.get(pk=done["interaction"]).channel == "phone"
    refused = api_a.post("/api/v1/tasks/", {"customer": "B-1", "kind": "call", "title": "x",
                                             "due_on": "2026-11-27"})  # fmt: skip
    assert refused.json()["errors"][0]["field"] == "customer"
