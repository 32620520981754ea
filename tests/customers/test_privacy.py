"""Personal-data rights and the audit log."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from agenda.models import Task
from alerts.models import Alert, ToleranceRule
from customers.kpis import runs
from customers.models import Contact, Customer, CustomerKPI, DataRightsRequest, Transaction
from tests.conftest import logged_in
from tests.factories import ContactFactory, CustomerFactory, InteractionFactory, TransactionFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def private_customer(rep_a):
    customer = CustomerFactory(number="P-1", name="Erika Mustermann", kind="person",
                               owner=rep_a, notes="Prefers calls after 6 pm")  # fmt: skip
    TransactionFactory(customer=customer, occurred_on=dt.date(2026, 5, 1), amount=Decimal("80"))
    InteractionFactory(customer=customer, summary="Told us about her new job")
    Task.objects.create(customer=customer, kind="call", due_on=AS_OF, notes="Ask about the move")
    return customer


def test_the_export_holds_everything_about_the_customer(client_manager, manager, private_customer):
    response = client_manager.get(reverse("customers:personal_data", args=["P-1"]))
    data = json.loads(response.content)
    assert response["Content-Disposition"] == (
        'attachment; filename="personal-data-customer-P-1.json"'
    )
    assert data["customer"]["name"] == "Erika Mustermann"
    assert [(i["summary"], i["occurred_on"]) for i in data["interactions"]] == [
        ("Told us about her new job", str(private_customer.interactions.get().occurred_on))
    ]
    assert [t["amount"] for t in data["transactions"]] == ["80.00"]
    assert [t["notes"] for t in data["tasks"]] == ["Ask about the move"]
    logged = DataRightsRequest.objects.get()
    assert (logged.action, logged.subject, logged.user) == (
        "export",
        f"customer #{private_customer.pk}",
        manager,
    )


def test_erasing_a_private_customer_keeps_the_kpis_right(client_manager, private_customer):
    runs.recompute_all(AS_OF)
    rule = ToleranceRule.objects.first()
    alert = Alert.objects.create(customer=private_customer, rule=rule, level="red",
                                 kpi_value=1, bound=1, opened_at=timezone.now(),
                                 changed_at=timezone.now())  # fmt: skip
    alert.state = "acknowledged"
    alert.save()  # an audit entry listed under "rule · Erika Mustermann · red"
    assert "Erika" in " ".join(LogEntry.objects.get_for_object(alert).values_list(
        "object_repr", flat=True))  # fmt: skip
    before = CustomerKPI.objects.filter(customer=private_customer).values().get()
    url = reverse("customers:erase", args=["P-1"])
    refused = client_manager.post(url, {"confirm": "Erika"})
    assert "That is not the name: nothing was erased." in refused.content.decode()
    client_manager.post(url, {"confirm": "Erika Mustermann"})
    erased = Customer.objects.get(number="P-1")
    assert (erased.name, erased.notes, erased.contact_opt_out) == (
        f"Erased customer {erased.pk}", "", True,
    )  # fmt: skip
    assert list(erased.interactions.values_list("summary", flat=True)) == [""]
    assert list(Task.objects.values_list("notes", flat=True)) == [""]
    assert Transaction.objects.filter(customer=erased).count() == 1
    runs.recompute_all(AS_OF)
    after = CustomerKPI.objects.filter(customer=erased).values().get()
    # erased: never contacted again
    contact = {"computed_at", "contact_due_on", "contact_overdue_days", "contact_opt_out"}
    assert {k: v for k, v in after.items() if k not in contact} == {
        k: v for k, v in before.items() if k not in contact
    }
    assert (after["monetary_total"], after["contact_due_on"], after["contact_opt_out"]) == (
        Decimal("80.00"), None, True,
    )  # fmt: skip
    assert DataRightsRequest.objects.filter(action="erase").count() == 1
    history = " ".join(str(e.changes) for e in LogEntry.objects.get_for_object(erased))
    assert "Erika" not in history
    listed = " ".join(LogEntry.objects.values_list("object_repr", flat=True))
    assert "Erika" not in listed and "Mustermann" not in listed


def test_erasing_a_contact_person(client_manager, customer_a):
    person = ContactFactory(customer=customer_a, name="Max Muster", email="max@example.de",
                            phone="+49 30 1")  # fmt: skip
    InteractionFactory(customer=customer_a, contact=person, summary="Max is leaving in May")
    client_manager.post(reverse("customers:contact_erase", args=["A-1", person.pk]),
                        {"confirm": "Max Muster"})  # fmt: skip
    person = Contact.objects.get(pk=person.pk)
    assert (person.name, person.email, person.phone) == (f"Erased person {person.pk}", "", "")
    # Erased from a German page, the name reads German for the (German) team.
    other = ContactFactory(customer=customer_a, name="Erika Muster")
    client_manager.post(
        reverse("customers:contact_erase", args=["A-1", other.pk]),
        {"confirm": "Erika Muster"},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert Contact.objects.get(pk=other.pk).name == f"Gelöschte Person {other.pk}"
    assert list(person.interactions.values_list("summary", flat=True)) == [""]
    entries = LogEntry.objects.get_for_object(person)
    assert entries.exists()
    assert "Max" not in " ".join(f"{e.object_repr} {e.changes}" for e in entries)


def test_admins_read_every_export_and_erasure_in_the_admin_and_cannot_change_them(
    admin_user, client_manager, customer_a
):
    person = ContactFactory(customer=customer_a, name="Max Muster")
    client_manager.get(reverse("customers:personal_data", args=["A-1"]))
    client_manager.post(reverse("customers:contact_erase", args=["A-1", person.pk]),
                        {"confirm": "Max Muster"})  # fmt: skip
    admin = logged_in(admin_user)
    page = admin.get(reverse("admin:customers_datarightsrequest_changelist")).content.decode()
    assert "2 data rights requests" in page
    assert f"contact #{person.pk}" in page and "Erasure" in page and "Export" in page
    entry = DataRightsRequest.objects.first()
    change = admin.post(reverse("admin:customers_datarightsrequest_change", args=[entry.pk]),
                        {"subject": "nothing happened"})  # fmt: skip
    assert change.status_code == 403
    delete = admin.post(reverse("admin:customers_datarightsrequest_delete", args=[entry.pk]),
                        {"post": "yes"})  # fmt: skip
    assert delete.status_code == 403
    assert DataRightsRequest.objects.count() == 2


def test_companies_are_not_erased_whole_and_reps_may_not(
    client_a, client_manager, customer_a, customer_b
):
    assert client_manager.get(reverse("customers:erase", args=["A-1"])).status_code == 404
    assert client_a.get(reverse("customers:personal_data", args=["A-1"])).status_code == 403
    # Another rep's customer does not exist for a rep, here as on every page.
    assert client_a.get(reverse("customers:personal_data", args=["B-1"])).status_code == 404
    assert client_a.get(reverse("customers:erase", args=["B-1"])).status_code == 404


def test_the_audit_log_records_who_changed_a_customer(client_a, rep_a, customer_a):
    changed = {"number": "A-1", "name": "Alpha Maschinenbau AG", "kind": "company"}
    client_a.post(reverse("customers:update", args=["A-1"]), changed)
    entry = LogEntry.objects.get_for_object(customer_a).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == rep_a
    assert entry.changes_dict["name"] == ["Alpha Maschinenbau GmbH", "Alpha Maschinenbau AG"]


def test_admins_read_the_audit_log_in_german(admin_user, client_a, customer_a):
    changed = {"number": "A-1", "name": "Alpha Maschinenbau AG", "kind": "company"}
    client_a.post(reverse("customers:update", args=["A-1"]), changed)
    admin = logged_in(admin_user)
    admin.cookies["django_language"] = "de"
    page = admin.get(reverse("admin:auditlog_logentry_changelist")).content.decode()
    assert "Änderungsprotokoll" in page and "geändert" in page
    assert "Audit log" not in page
