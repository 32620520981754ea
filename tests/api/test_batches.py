"""Bulk ingestion: all or nothing, idempotent on (source, external reference)."""

import pytest

from customers.models import CustomerKPI, Interaction, Transaction
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def invoice(ref: str, customer: str = "A-1", **fields) -> dict:
    return {"customer": customer, "kind": "invoice", "occurred_on": "2026-11-20",
            "amount": "100.00", "source": "erp", "external_ref": ref} | fields  # fmt: skip


def test_a_batch_writes_its_items_once_and_says_so_when_sent_again(
    api_a, customer_a, django_capture_on_commit_callbacks
):
    batch = [invoice("INV-1"), invoice("INV-2", amount="250.50")]
    with django_capture_on_commit_callbacks(execute=True):
        first = api_a.post("/api/v1/transactions/batch/", batch, format="json")
    assert first.status_code == 201
    assert first.json() == {"received": 2, "created": 2, "already_present": 0,
                            "detail": "2 new, 0 sent before."}  # fmt: skip
    assert CustomerKPI.objects.get(customer=customer_a).frequency == 2  # recomputed
    again = api_a.post("/api/v1/transactions/batch/", batch, format="json")
    assert again.status_code == 200
    assert again.json() == {"received": 2, "created": 0, "already_present": 2,
                            "detail": "Nothing new: every item was sent before."}  # fmt: skip
    assert Transaction.objects.count() == 2


def test_one_bad_item_rejects_the_batch_naming_each_item_and_field(api_a, customer_a, customer_b):
    batch = [
        invoice("INV-1"),
        invoice("INV-2", occurred_on="2026-13-01"),
        invoice("INV-3", amount="-5"),
        invoice("INV-4", customer="B-1"),  # another rep's customer
        invoice("INV-1"),  # repeats item 0
    ]
    response = api_a.post("/api/v1/transactions/batch/", batch, format="json")
    assert response.status_code == 400
    body = response.json()
    # Every problem at once: the items' own fields, unknown customers, repeats.
    assert body["detail"] == "Nothing was written: 4 of the batch's items are invalid; see errors."
    assert [(e["item"], e["field"], e["message"]) for e in body["errors"]] == [
        (1, "occurred_on", "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."),
        (2, "amount", "Ensure this value is greater than or equal to 0."),
        (3, "customer", "No customer 'B-1'."),
        (4, "external_ref", "Repeats item 0 of this batch."),
    ]
    assert Transaction.objects.count() == 0
    # A customer number no database can hold is a field error, not a server error.
    odd = [invoice("INV-5", customer="A\x00-1", amount="-1")]
    body = api_a.post("/api/v1/transactions/batch/", odd, format="json").json()
    assert [(e["item"], e["field"]) for e in body["errors"]] == [(0, "amount"), (0, "customer")]


def test_a_batch_must_be_a_list_within_the_limit(api_a, settings):
    settings.API_BATCH_MAX_ITEMS = 2
    assert api_a.post("/api/v1/transactions/batch/", {"a": 1}, format="json").status_code == 400
    empty = api_a.post("/api/v1/transactions/batch/", [], format="json").json()
    assert empty["detail"] == "Nothing was written: Send 1 to 2 items."
    too_many = [invoice(f"INV-{n}") for n in range(3)]
    response = api_a.post("/api/v1/transactions/batch/", too_many, format="json")
    assert response.json()["errors"][0]["message"] == "Send 1 to 2 items."


def test_interaction_batches_are_idempotent_too(api_a, rep_a, customer_a):
    person = ContactFactory(customer=customer_a)
    calls = [
        {"customer": "A-1", "contact": person.pk, "channel": "phone", "direction": "inbound",
         "occurred_at": "2026-11-26T09:15:00+01:00", "source": "telephony",
         "external_ref": "call-1"},
        {"customer": "A-1", "channel": "email", "direction": "outbound", "rating": "positive",
         "occurred_at": "2026-11-26T10:00:00+01:00", "source": "telephony",
         "external_ref": "call-2"},
    ]  # fmt: skip
    assert api_a.post("/api/v1/interactions/batch/", calls, format="json").json()["created"] == 2
    assert api_a.post("/api/v1/interactions/batch/", calls, format="json").json()["created"] == 0
    logged = Interaction.objects.get(external_ref="call-1")
    assert (logged.contact, logged.user, str(logged.occurred_on)) == (person, rep_a, "2026-11-26")


def test_a_contact_of_another_customer_is_refused(api_a, customer_a, customer_b):
    stranger = ContactFactory(customer=customer_b)
    call = {"customer": "A-1", "contact": stranger.pk, "channel": "phone",
            "direction": "inbound", "occurred_at": "2026-11-26T09:15:00+01:00",
            "external_ref": "call-9"}  # fmt: skip
    body = api_a.post("/api/v1/interactions/batch/", [call], format="json").json()
    assert body["errors"] == [
        {"item": 0, "field": "contact", "message": "This person works for another customer."}
    ]
