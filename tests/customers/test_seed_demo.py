import datetime as dt
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Max
from django.test import RequestFactory

from cockpit.roles import Role
from customers.demo import DEMO_PASSWORD
from customers.models import Contact, Customer, Interaction, Transaction

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 26)


def book_snapshot() -> tuple:
    return (
        list(
            Customer.objects.values_list(
                "number",
                "name",
                "kind",
                "industry",
                "owner__username",
                "customer_since",
                "contact_opt_out",
            ).order_by("number")
        ),
        list(
            Contact.objects.values_list(
                "customer__number", "name", "role", "email", "is_primary"
            ).order_by("customer__number", "name", "email")
        ),
        list(
            Transaction.objects.values_list(
                "customer__number",
                "kind",
                "occurred_on",
                "amount",
                "due_on",
                "paid_on",
                "external_ref",
            ).order_by("external_ref")
        ),
        list(
            Interaction.objects.values_list(
                "customer__number",
                "occurred_at",
                "channel",
                "kind",
                "rating",
                "satisfaction",
                "contact__name",
            ).order_by("customer__number", "occurred_at", "channel", "kind")
        ),
    )


def seed(**options) -> None:
    call_command("seed_demo", as_of=AS_OF, stdout=io.StringIO(), **options)


def test_the_same_seed_gives_the_same_book():
    seed(customers=60, seed=7)
    first = book_snapshot()
    seed(customers=60, seed=7, reset=True)
    assert book_snapshot() == first
    seed(customers=60, seed=8, reset=True)
    assert book_snapshot() != first


def test_the_book_spreads_customers_over_the_demo_reps_and_logins_work():
    seed(customers=90, seed=1)
    owners = Customer.objects.values_list("owner__username", flat=True)
    assert {name: list(owners).count(name) for name in set(owners)} == {
        "rep1": 30,
        "rep2": 30,
        "rep3": 30,
    }
    for username, role in [
        ("rep1", Role.SALES_REP),
        ("manager", Role.MANAGER),
        ("admin", Role.ADMIN),
    ]:
        user = authenticate(
            RequestFactory().post("/login/"), username=username, password=DEMO_PASSWORD
        )
        assert user is not None and user.groups.get().name == role


def test_the_book_holds_the_behaviours_that_kpis_and_alerts_need():
    seed(customers=300, seed=42)
    last_purchase = {
        row["number"]: row["last"]
        for row in Customer.objects.annotate(last=Max("transactions__occurred_on")).values(
            "number", "last"
        )
    }
    lapsed = [n for n, last in last_purchase.items() if last and (AS_OF - last).days > 365]
    recent = [n for n, last in last_purchase.items() if last and (AS_OF - last).days <= 30]
    prospects = [n for n, last in last_purchase.items() if last is None]
    assert len(lapsed) > 20 and len(recent) > 50 and len(prospects) > 5
    assert Transaction.objects.filter(kind__in=["return", "credit_note"]).exists()
    assert Transaction.objects.filter(paid_on__isnull=True, due_on__lt=AS_OF).count() > 10
    assert Interaction.objects.filter(kind="complaint", rating="negative").count() > 50
    assert Interaction.objects.filter(contact__isnull=False).exists()
    assert Customer.objects.filter(kind="person", industry="private").count() > 50
    assert not Transaction.objects.filter(occurred_on__gt=AS_OF).exists()
    assert not Interaction.objects.filter(occurred_at__date__gt=AS_OF).exists()


def test_it_refuses_to_seed_over_existing_customers_unless_asked():
    seed(customers=5, seed=1)
    with pytest.raises(CommandError, match="Use --reset"):
        seed(customers=5, seed=1)
    seed(customers=5, seed=1, if_empty=True)
    assert Customer.objects.count() == 5
