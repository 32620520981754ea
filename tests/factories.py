import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from cockpit.roles import Role
from customers.choices import Channel, CustomerKind, Direction, InteractionKind, TransactionKind
from customers.models import Contact, Customer, Interaction, Transaction

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])
        if create:
            self.save()


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    number = factory.Sequence(lambda n: f"C-{n:05d}")
    name = factory.Sequence(lambda n: f"Kunde {n} GmbH")
    kind = CustomerKind.COMPANY
    industry = "manufacturing"
    customer_since = dt.date(2020, 1, 1)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"Person {n}")
    role = "Einkauf"
    email = factory.Sequence(lambda n: f"person{n}@example.de")


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    customer = factory.SubFactory(CustomerFactory)
    channel = Channel.PHONE
    direction = Direction.OUTBOUND
    kind = InteractionKind.CONTACT
    occurred_at = factory.LazyFunction(timezone.now)


class TransactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transaction

    customer = factory.SubFactory(CustomerFactory)
    kind = TransactionKind.INVOICE
    occurred_on = dt.date(2026, 1, 15)
    amount = Decimal("100.00")
    source = "erp"
    external_ref = factory.Sequence(lambda n: f"INV-{n}")


def make_user(username: str, role: Role | None) -> object:
    return UserFactory(username=username, role=role)
