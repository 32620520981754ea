import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from customers.choices import TransactionKind
from customers.models import Customer, Transaction
from tests.factories import ContactFactory, CustomerFactory, InteractionFactory, TransactionFactory

pytestmark = pytest.mark.django_db


def test_it_refuses_a_second_customer_with_the_same_number():
    CustomerFactory(number="K-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerFactory(number="K-1")


def test_it_refuses_an_empty_customer_number():
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.create(number="", name="Nameless")


def test_it_rejects_a_customer_number_with_a_slash():
    customer = CustomerFactory.build(number="K/1")
    with pytest.raises(ValidationError) as error:
        customer.full_clean()
    assert "number" in error.value.message_dict


def test_it_allows_one_primary_contact_per_customer():
    customer = CustomerFactory()
    ContactFactory(customer=customer, is_primary=True)
    ContactFactory(customer=customer, is_primary=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactFactory(customer=customer, is_primary=True)
    ContactFactory(is_primary=True)  # another customer's primary contact is fine


def test_it_refuses_a_negative_amount():
    with pytest.raises(IntegrityError), transaction.atomic():
        TransactionFactory(amount=Decimal("-1.00"))


def test_it_refuses_the_same_external_reference_twice_per_source():
    TransactionFactory(source="erp", external_ref="INV-7")
    TransactionFactory(source="shop", external_ref="INV-7")
    TransactionFactory(source="manual", external_ref="")
    TransactionFactory(source="manual", external_ref="")
    with pytest.raises(IntegrityError), transaction.atomic():
        TransactionFactory(source="erp", external_ref="INV-7")
    assert Transaction.objects.count() == 4


def test_it_refuses_a_satisfaction_outside_one_to_five():
    with pytest.raises(IntegrityError), transaction.atomic():
        InteractionFactory(satisfaction=6)


def test_it_rejects_a_contact_person_of_another_customer():
    interaction = InteractionFactory.build(customer=CustomerFactory(), contact=ContactFactory())
    with pytest.raises(ValidationError) as error:
        interaction.clean()
    assert error.value.message_dict == {
        "contact": ["This contact person belongs to another customer."]
    }


def test_returns_and_credit_notes_reduce_net_revenue():
    order = TransactionFactory.build(kind=TransactionKind.ORDER, amount=Decimal("80.00"))
    credit = TransactionFactory.build(kind=TransactionKind.CREDIT_NOTE, amount=Decimal("30.00"))
    assert order.signed_amount + credit.signed_amount == Decimal("50.00")


def test_an_unpaid_invoice_is_overdue_only_after_its_due_date():
    invoice = TransactionFactory.build(due_on=dt.date(2026, 3, 1), paid_on=None)
    assert not invoice.is_overdue(dt.date(2026, 3, 1))
    assert invoice.is_overdue(dt.date(2026, 3, 2))
    invoice.paid_on = dt.date(2026, 3, 5)
    assert not invoice.is_overdue(dt.date(2026, 4, 1))


def test_deleting_a_customer_deletes_its_history():
    customer = CustomerFactory()
    ContactFactory(customer=customer)
    InteractionFactory(customer=customer)
    TransactionFactory(customer=customer)
    customer.delete()
    assert Transaction.objects.count() == 0


def test_a_colour_change_writes_no_index_nobody_reads():
    """The varchar_pattern_ops index Django adds for the unique number serves no query."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'customers_customer' "
                "AND indexdef LIKE '%%varchar_pattern_ops%%'"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = 'customers_customer' AND name LIKE '%%like%%'"
            )
        assert cursor.fetchall() == []
