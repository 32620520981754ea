"""Customers, contacts, touchpoints and transactions over the API, per role."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from alerts.evaluation import evaluate
from alerts.models import ToleranceRule
from customers.models import Customer, Interaction
from tests.alerts.test_evaluation import NOW, rule, with_kpis
from tests.factories import ContactFactory, CustomerFactory, TransactionFactory

pytestmark = pytest.mark.django_db


def test_without_credentials_nothing_is_served():
    response = APIClient().get("/api/v1/customers/")
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


def test_a_rep_lists_only_their_customers(api_a, customer_a, customer_b):
    body = api_a.get("/api/v1/customers/").json()
    assert [c["number"] for c in body["results"]] == ["A-1"]
    assert body["next"] is None


def test_a_manager_lists_every_customer_and_filters(api_manager, customer_a, customer_b):
    numbers = [
        c["number"] for c in api_manager.get("/api/v1/customers/?ordering=number").json()["results"]
    ]
    assert numbers == ["A-1", "B-1"]
    only = api_manager.get("/api/v1/customers/?q=Beta").json()["results"]
    assert [c["number"] for c in only] == ["B-1"]


def test_the_owner_filter_takes_the_username_the_api_shows(
    api_manager, customer_a, customer_b, rep_b
):
    shown = api_manager.get(f"/api/v1/customers/{customer_b.number}/").json()["owner"]
    by_name = api_manager.get("/api/v1/customers/", {"owner": shown}).json()["results"]
    by_id = api_manager.get("/api/v1/customers/", {"owner": rep_b.pk}).json()["results"]
    assert [c["number"] for c in by_name] == [c["number"] for c in by_id] == ["B-1"]
    unknown = api_manager.get("/api/v1/customers/", {"owner": "nobody-here"})
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["field"] == "owner"


def test_another_reps_customer_is_a_404_with_the_common_error_body(api_a, customer_b):
    response = api_a.get(f"/api/v1/customers/{customer_b.number}/")
    assert response.status_code == 404
    assert response.json() == {"status": 404, "code": "not_found",
                               "detail": "Not found.", "errors": []}  # fmt: skip
    assert api_a.get(f"/api/v1/transactions/?customer={customer_b.number}").json()["results"] == []


def test_the_detail_embeds_kpis_value_colour_alert_colour_and_open_alerts(api_a, customer_a):
    ToleranceRule.objects.all().delete()
    rule(name="No purchase for long", guidance="Offer a reorder.")
    with_kpis(customer_a, recency_days=400, value_class="A")
    evaluate(1, now=NOW)
    body = api_a.get("/api/v1/customers/A-1/").json()
    assert (body["value_class"], body["value_colour"], body["alert_colour"]) == (
        "A", "class-a", "red",
    )  # fmt: skip
    assert body["kpis"]["recency_days"] == 400
    assert [(a["rule_name"], a["level"], a["guidance"]) for a in body["open_alerts"]] == [
        ("No purchase for long", "red", "Offer a reorder.")
    ]


def test_a_rep_creates_customers_for_themselves_only(api_a, rep_a, manager):
    response = api_a.post("/api/v1/customers/", {"number": "A-9", "name": "Neu GmbH"})
    assert response.status_code == 201
    assert Customer.objects.get(number="A-9").owner == rep_a
    refused = api_a.post("/api/v1/customers/",
                         {"number": "A-10", "name": "X", "owner": manager.username})  # fmt: skip
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {"field": "owner", "message": "A sales rep's customers stay their own.", "code": "invalid"}
    ]


def test_a_bad_field_is_named_in_the_error_body(api_a):
    response = api_a.post("/api/v1/customers/", {"number": "bad number!", "name": ""})
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"number", "name"}
    later = {"number": "A-8", "name": "Bald GmbH", "customer_since": "2099-01-01"}
    future = api_a.post("/api/v1/customers/", later)
    assert future.status_code == 400
    assert future.json()["errors"] == [{
        "field": "customer_since", "code": "invalid",
        "message": "A customer since a future date is not a customer yet: leave it empty.",
    }]  # fmt: skip


def test_contacts_and_single_touchpoints(api_a, rep_a, customer_a, customer_b):
    person = ContactFactory(customer=customer_a, name="Erika Mustermann")
    ContactFactory(customer=customer_b)
    contacts = api_a.get("/api/v1/contacts/").json()["results"]
    assert [c["name"] for c in contacts] == ["Erika Mustermann"]
    response = api_a.post("/api/v1/interactions/", {
        "customer": "A-1", "contact": person.pk, "channel": "phone", "direction": "outbound",
        "occurred_at": "2026-11-26T10:00:00+01:00", "summary": "Angebot besprochen"})  # fmt: skip
    assert response.status_code == 201
    assert Interaction.objects.get().user == rep_a
    foreign = api_a.post("/api/v1/interactions/", {
        "customer": "B-1", "channel": "phone", "direction": "outbound",
        "occurred_at": "2026-11-26T10:00:00+01:00"})  # fmt: skip
    assert foreign.status_code == 400
    assert foreign.json()["errors"][0]["field"] == "customer"


def test_transactions_list_and_filter(api_a, customer_a):
    TransactionFactory(customer=customer_a, occurred_on=dt.date(2026, 1, 15))
    TransactionFactory(customer=customer_a, occurred_on=dt.date(2026, 3, 1), kind="order")
    orders = api_a.get("/api/v1/transactions/?kind=order").json()["results"]
    assert [(t["customer"], t["occurred_on"]) for t in orders] == [("A-1", "2026-03-01")]
    since = api_a.get("/api/v1/transactions/?since=2026-02-01").json()["results"]
    assert len(since) == 1


def test_cursor_pagination_walks_a_long_list(api_manager):
    for _ in range(5):
        CustomerFactory()
    first = api_manager.get("/api/v1/customers/?page_size=2").json()
    second = APIClient.get(api_manager, first["next"]).json()
    assert len(first["results"]) == len(second["results"]) == 2
    assert not {c["number"] for c in first["results"]} & {c["number"] for c in second["results"]}


def test_the_cockpit_summary_is_the_users_book(api_a, api_manager):
    assert api_a.get("/api/v1/cockpit/summary/").status_code == 200
    assert api_manager.get("/api/v1/cockpit/summary/?period=year").json()["taken_on"] is None
    refused = api_manager.get("/api/v1/cockpit/summary/?segment=none")
    assert refused.status_code == 400
    assert refused.json()["errors"] == [{
        "field": "segment", "code": "invalid",
        "message": "Select a valid choice. That choice is not one of the available choices.",
    }]  # fmt: skip
