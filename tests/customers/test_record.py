"""The customer record: master data, contact persons, timeline, and the quick forms."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from customers.models import Contact, Customer, Interaction, Transaction
from tests.factories import ContactFactory, InteractionFactory, TransactionFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)


def test_the_record_shows_contacts_and_a_merged_timeline(client_a, customer_a):
    ContactFactory(customer=customer_a, name="Erika Mustermann", is_primary=True)
    InteractionFactory(
        customer=customer_a,
        occurred_at=dt.datetime(2026, 5, 2, 10, tzinfo=dt.UTC),
        summary="Jahresgespräch",
    )
    TransactionFactory(customer=customer_a, occurred_on=dt.date(2026, 6, 1), external_ref="R-9")
    TransactionFactory(
        customer=customer_a, occurred_on=dt.date(2026, 4, 1), kind="return", external_ref="R-1"
    )
    response = client_a.get(customer_a.get_absolute_url())
    assert response.status_code == 200
    timeline = response.context["timeline"]
    assert [(e.when.date(), bool(e.interaction)) for e in timeline] == [
        (dt.date(2026, 6, 1), False),
        (dt.date(2026, 5, 2), True),
        (dt.date(2026, 4, 1), False),
    ]
    assert b"Erika Mustermann" in response.content
    assert b"Jahresgespr\xc3\xa4ch" in response.content
    assert b"-100.00 EUR" in response.content  # a return counts against revenue


def test_the_record_takes_a_fixed_number_of_queries(
    client_a, customer_a, django_assert_max_num_queries
):
    for _ in range(5):
        ContactFactory(customer=customer_a)
        InteractionFactory(customer=customer_a, user=customer_a.owner)
        TransactionFactory(customer=customer_a)
    with django_assert_max_num_queries(17):  # record, KPIs, chart, timeline, alerts, agenda
        client_a.get(customer_a.get_absolute_url())


@time_machine.travel(NOW, tick=False)
def test_logging_a_phone_call_puts_it_on_the_timeline(client_a, rep_a, customer_a):
    contact = ContactFactory(customer=customer_a, name="Erika Mustermann")
    response = client_a.post(
        reverse("customers:interaction_create", args=[customer_a.number]),
        {
            "channel": "phone",
            "direction": "outbound",
            "kind": "contact",
            "contact": contact.pk,
            "occurred_at": "2026-11-26T10:15",
            "rating": "positive",
            "satisfaction": "5",
            "summary": "Rahmenvertrag 2027 besprochen",
        },
        follow=True,
    )
    interaction = Interaction.objects.get()
    assert interaction.user == rep_a
    assert interaction.contact == contact
    assert interaction.occurred_at == dt.datetime(2026, 11, 26, 9, 15, tzinfo=dt.UTC)  # Berlin
    assert response.context["timeline"][0].interaction == interaction
    assert "Phone logged on Alpha Maschinenbau GmbH." in [
        str(m) for m in response.context["messages"]
    ]


def test_logging_a_contact_with_another_customers_person_is_refused(
    client_a, customer_a, customer_b
):
    foreign = ContactFactory(customer=customer_b)
    response = client_a.post(
        reverse("customers:interaction_create", args=[customer_a.number]),
        {
            "channel": "phone",
            "direction": "outbound",
            "kind": "contact",
            "contact": foreign.pk,
            "occurred_at": "2026-11-26T10:15",
            "rating": "neutral",
        },
    )
    assert response.status_code == 200
    assert "contact" in response.context["form"].errors
    assert Interaction.objects.count() == 0


def test_each_field_points_screen_readers_at_its_help_text(client_a, customer_a):
    import re

    page = client_a.get(reverse("customers:transaction_create", args=[customer_a.number]))
    html = page.content.decode()
    described = {i for ids in re.findall(r'aria-describedby="([^"]+)"', html) for i in ids.split()}
    assert "id_external_ref_helptext" in described
    assert described <= set(re.findall(r' id="([^"]+)"', html))
    record = client_a.get(customer_a.get_absolute_url()).content.decode()  # log a contact
    described = {
        i for ids in re.findall(r'aria-describedby="([^"]+)"', record) for i in ids.split()
    }
    assert described <= set(re.findall(r' id="([^"]+)"', record))


def test_a_contact_summary_is_a_summary_not_a_transcript(client_a, customer_a):
    url = reverse("customers:interaction_create", args=[customer_a.number])
    assert 'maxlength="5000"' in client_a.get(url).content.decode()
    call = {"channel": "phone", "direction": "outbound", "kind": "contact", "rating": "neutral",
            "occurred_at": "2026-11-26T09:00"}  # fmt: skip
    response = client_a.post(url, call | {"summary": "x" * 5001})
    assert response.context["form"].errors["summary"] == [
        "Ensure this value has at most 5000 characters (it has 5001)."
    ]
    assert not Interaction.objects.exists()


def test_recording_a_transaction(client_a, customer_a):
    response = client_a.post(
        reverse("customers:transaction_create", args=[customer_a.number]),
        {
            "kind": "invoice",
            "occurred_on": "2026-11-02",
            "amount": "1250.50",
            "currency": "EUR",
            "external_ref": "RE-2026-001",
            "due_on": "2026-12-02",
        },
        follow=True,
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert "Rechnung über 1.250,50 EUR erfasst." in [str(m) for m in response.context["messages"]]
    transaction = Transaction.objects.get()
    assert (transaction.customer, transaction.amount, transaction.source) == (
        customer_a,
        Decimal("1250.50"),
        "manual",
    )


def test_a_transaction_form_names_the_bad_field(client_a, customer_a):
    TransactionFactory(customer=customer_a, source="manual", external_ref="RE-1")
    response = client_a.post(
        reverse("customers:transaction_create", args=[customer_a.number]),
        {
            "kind": "invoice",
            "occurred_on": "2026-11-02",
            "amount": "-5",
            "currency": "eur",
            "external_ref": "RE-1",
            "due_on": "2026-10-01",
        },
    )
    errors = response.context["form"].errors
    assert set(errors) == {"amount", "currency", "external_ref", "due_on"}
    assert Transaction.objects.count() == 1


@time_machine.travel(dt.datetime(2026, 11, 26, 10, tzinfo=dt.UTC), tick=False)
def test_a_german_page_takes_amounts_with_a_decimal_comma(client_a, customer_a):
    url = reverse("customers:transaction_create", args=[customer_a.number])
    form = client_a.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'name="amount" inputmode="decimal"' in form and 'type="number"' not in form
    invoice = {"kind": "invoice", "occurred_on": "2026-11-02", "currency": "EUR"}
    client_a.post(url, invoice | {"amount": "1234,56"}, HTTP_ACCEPT_LANGUAGE="de")
    client_a.post(url, invoice | {"amount": "99.5"}, HTTP_ACCEPT_LANGUAGE="de")
    client_a.post(url, invoice | {"amount": "12.345,6"}, HTTP_ACCEPT_LANGUAGE="de")
    client_a.post(url, invoice | {"amount": "1,250.75"}, HTTP_ACCEPT_LANGUAGE="en")
    amounts = Transaction.objects.order_by("id").values_list("amount", flat=True)
    assert list(amounts) == [
        Decimal("1234.56"), Decimal("99.5"), Decimal("12345.6"), Decimal("1250.75")
    ]  # fmt: skip
    wrong = client_a.post(url, invoice | {"amount": "1.23,4"}, HTTP_ACCEPT_LANGUAGE="de")
    assert wrong.context["form"].errors["amount"] == ["Bitte eine Zahl eingeben."]
    assert Transaction.objects.count() == 4


@time_machine.travel(dt.datetime(2026, 11, 26, 10, tzinfo=dt.UTC), tick=False)
def test_a_transaction_in_the_future_or_typed_again_from_another_source_is_refused(
    client_a, customer_a
):
    TransactionFactory(
        customer=customer_a, source="erp", external_ref="D00000555", kind="invoice",
        occurred_on=dt.date(2026, 11, 7), amount=Decimal("1188.40"), currency="EUR",
    )  # fmt: skip
    response = client_a.post(
        reverse("customers:transaction_create", args=[customer_a.number]),
        {"kind": "invoice", "occurred_on": "2026-11-27", "amount": "10", "currency": "EUR",
         "external_ref": "D00000555"},
    )  # fmt: skip
    assert response.context["form"].errors == {
        "occurred_on": ["This date is in the future: record a transaction once it has happened."],
        "external_ref": ["This customer has D00000555 already: Invoice of 2026-11-07 over "
                         "1,188.40 EUR."],
    }  # fmt: skip
    assert Transaction.objects.count() == 1
    today = {"kind": "invoice", "occurred_on": "2026-11-26", "amount": "10", "currency": "EUR"}
    client_a.post(reverse("customers:transaction_create", args=[customer_a.number]), today)
    assert Transaction.objects.count() == 2


def test_a_new_primary_contact_takes_over(client_a, customer_a):
    old = ContactFactory(customer=customer_a, is_primary=True)
    client_a.post(
        reverse("customers:contact_create", args=[customer_a.number]),
        {"name": "Neue Ansprechpartnerin", "role": "Einkauf", "is_primary": "on"},
    )
    old.refresh_from_db()
    assert not old.is_primary
    assert Contact.objects.get(is_primary=True).name == "Neue Ansprechpartnerin"


def test_a_rep_creates_customers_for_themselves(client_a, rep_a, rep_b):
    client_a.post(
        reverse("customers:create"),
        {
            "number": "N-1",
            "name": "Neu GmbH",
            "kind": "company",
            "industry": "retail",
            "owner": rep_b.pk,
        },
    )
    assert Customer.objects.get(number="N-1").owner == rep_a


def test_a_customer_since_a_future_date_is_refused(client_a):
    response = client_a.post(
        reverse("customers:create"),
        {"number": "N-2", "name": "Bald GmbH", "kind": "company", "customer_since": "2099-01-01"},
    )
    assert response.context["form"].errors["customer_since"] == [
        "A customer since a future date is not a customer yet: leave it empty."
    ]
    assert not Customer.objects.filter(number="N-2").exists()


def test_a_manager_reassigns_a_customer(client_manager, customer_a, rep_b):
    client_manager.post(
        reverse("customers:update", args=[customer_a.number]),
        {"number": "A-1", "name": customer_a.name, "kind": "company", "owner": rep_b.pk},
    )
    customer_a.refresh_from_db()
    assert customer_a.owner == rep_b


@time_machine.travel(NOW, tick=False)
def test_a_contact_in_the_future_is_refused(client_a, customer_a):
    response = client_a.post(
        reverse("customers:interaction_create", args=[customer_a.number]),
        {"channel": "phone", "direction": "outbound", "kind": "contact",
         "occurred_at": "2027-05-01T10:00", "rating": "neutral"},
    )  # fmt: skip
    assert response.context["form"].errors["occurred_at"] == [
        "A contact that has not happened yet is a task: plan it on My day."
    ]
    assert Interaction.objects.count() == 0


def test_a_german_form_error_addresses_the_rep_formally(client_a, customer_a):
    response = client_a.post(
        reverse("customers:contact_create", args=[customer_a.number]),
        {"name": "Neue Ansprechpartnerin", "email": "keine-adresse"},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.context["form"].errors["email"] == [
        "Geben Sie eine gültige E-Mail-Adresse ein."
    ]
