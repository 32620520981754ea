"""Personal-data rights: export everything about a customer or a contact person (access,
portability) and erase a person (anonymised; transactions stay, anonymous, so the KPIs
stay right). Each request is logged. Other apps add their data through
settings.PERSONAL_DATA_HOOKS (modules with ``export(customer, contact)`` and
``erase(customer, contact)``)."""

from functools import cache
from importlib import import_module

from auditlog.models import LogEntry
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Contact, Customer, CustomerKPI, DataRightsRequest, Interaction

ENCODER = DjangoJSONEncoder


@cache
def _hooks() -> list:
    return [import_module(path) for path in settings.PERSONAL_DATA_HOOKS]


def as_dict(instance) -> dict:
    """Every stored field, the read-only ones too (model_to_dict leaves those out)."""
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


def _rows(queryset) -> list[dict]:
    return [as_dict(row) for row in queryset]


def export_customer(customer: Customer, user) -> dict:
    kpi = CustomerKPI.objects.filter(customer=customer).first()
    data = {
        "exported_at": timezone.now(),
        "customer": as_dict(customer),
        "contacts": _rows(customer.contacts.all()),
        "interactions": _rows(customer.interactions.all()),
        "transactions": _rows(customer.transactions.all()),
        "kpis": as_dict(kpi) if kpi else None,
    }
    for hook in _hooks():
        data |= hook.export(customer, None)
    DataRightsRequest.objects.create(action=DataRightsRequest.Action.EXPORT,
                                     subject=f"customer #{customer.pk}", customer=customer,
                                     user=user)  # fmt: skip
    return data


def export_contact(contact: Contact, user) -> dict:
    data = {
        "exported_at": timezone.now(),
        "contact": as_dict(contact),
        "customer": {"number": contact.customer.number, "name": contact.customer.name},
        "interactions": _rows(contact.interactions.all()),
    }
    for hook in _hooks():
        data |= hook.export(contact.customer, contact)
    DataRightsRequest.objects.create(action=DataRightsRequest.Action.EXPORT,
                                     subject=f"contact #{contact.pk}",
                                     customer=contact.customer, user=user)  # fmt: skip
    return data


def _redact_audit_log(instance) -> None:
    """The audit log's copies of the erased values go too, the name it lists the entries
    under included; that the change happened stays."""
    LogEntry.objects.get_for_object(instance).update(
        object_repr=str(instance),
        changes={"erased": ["", "personal data"]},
        changes_text="",
        serialized_data=None,
        additional_data=None,
    )


def _rename_in_audit_log(objects) -> None:
    """Entries of objects whose name shows the erased one (an alert names its customer):
    listed under their name as it reads now; their changes hold nothing personal."""
    for obj in objects:
        LogEntry.objects.get_for_object(obj).update(object_repr=str(obj))


def _erase_contact_fields(contact: Contact) -> None:
    # In the language of whoever erases: a name is stored once, for the team to read.
    contact.name = _("Erased person %(number)s") % {"number": contact.pk}
    contact.role = contact.email = contact.phone = ""
    contact.is_primary = False
    contact.contact_opt_out = True
    contact.save()
    Interaction.objects.filter(contact=contact).update(summary="")
    _redact_audit_log(contact)


@transaction.atomic
def erase_contact(contact: Contact, user) -> None:
    _erase_contact_fields(contact)
    for hook in _hooks():
        hook.erase(contact.customer, contact)
    DataRightsRequest.objects.create(action=DataRightsRequest.Action.ERASE,
                                     subject=f"contact #{contact.pk}",
                                     customer=contact.customer, user=user)  # fmt: skip


@transaction.atomic
def erase_customer(customer: Customer, user) -> None:
    """A private customer: name, notes, contact persons and every free text go; the number
    and the transactions stay, so integrations and KPIs keep working."""
    for contact in customer.contacts.all():
        _erase_contact_fields(contact)
    customer.name = _("Erased customer %(number)s") % {"number": customer.pk}
    customer.notes = ""
    customer.contact_opt_out = True
    customer.save()
    customer.interactions.update(summary="")
    _redact_audit_log(customer)
    _rename_in_audit_log(customer.alerts.select_related("rule", "customer"))
    for hook in _hooks():
        hook.erase(customer, None)
    DataRightsRequest.objects.create(action=DataRightsRequest.Action.ERASE,
                                     subject=f"customer #{customer.pk}", customer=customer,
                                     user=user)  # fmt: skip
