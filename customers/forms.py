import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cockpit.people import name_people
from cockpit.roles import Role, sees_all_customers
from customers.models import Contact, Customer, Interaction, Transaction


def sales_reps():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.SALES_REP, Role.MANAGER])
        .distinct()
        .order_by("username")
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class CustomerForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = [
            "number",
            "name",
            "kind",
            "industry",
            "owner",
            "customer_since",
            "contact_opt_out",
            "contact_interval_days",
            "notes",
        ]
        widgets = {"customer_since": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if sees_all_customers(user):
            self.fields["owner"].queryset = sales_reps()
            name_people(self.fields["owner"])
        else:
            # A rep's customers stay theirs; reassigning is a manager's decision.
            del self.fields["owner"]
            if self.instance.pk is None:
                self.instance.owner = user


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone", "is_primary", "contact_opt_out"]

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.customer = customer

    @transaction.atomic
    def save(self, commit: bool = True) -> Contact:
        contact = super().save(commit=False)
        if contact.is_primary:
            # A new primary contact takes over from the previous one.
            others = contact.customer.contacts.filter(is_primary=True)
            if contact.pk:
                others = others.exclude(pk=contact.pk)
            others.update(is_primary=False)
        if commit:
            contact.save()
        return contact


FUTURE_CONTACT_SLACK = dt.timedelta(minutes=10)  # clocks of phones and PCs differ a little


class InteractionForm(forms.ModelForm):
    """Logging a call takes seconds: everything but the summary has a sensible default."""

    class Meta:
        model = Interaction
        fields = [
            "channel",
            "direction",
            "kind",
            "contact",
            "occurred_at",
            "rating",
            "satisfaction",
            "summary",
        ]
        widgets = {
            "occurred_at": DateTimeInput(),
            "satisfaction": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "summary": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, customer: Customer, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "channel": "phone",
                "direction": "outbound",
                "kind": "contact",
                "rating": "neutral",
                "occurred_at": timezone.localtime().replace(second=0, microsecond=0),
            },
        )
        super().__init__(*args, **kwargs)
        self.instance.customer = customer
        self.fields["contact"].queryset = customer.contacts.all()
        self.fields["contact"].empty_label = _("— the customer in general —")

    def clean_occurred_at(self):
        occurred_at = self.cleaned_data["occurred_at"]
        if occurred_at and occurred_at > timezone.now() + FUTURE_CONTACT_SLACK:
            raise forms.ValidationError(
                _("A contact that has not happened yet is a task: plan it on My day.")
            )
        return occurred_at


class TransactionForm(forms.ModelForm):
    class Meta:
        model = Transaction
        fields = [
            "kind",
            "occurred_on",
            "amount",
            "currency",
            "external_ref",
            "due_on",
            "paid_on",
        ]
        widgets = {"occurred_on": DateInput(), "due_on": DateInput(), "paid_on": DateInput()}

    def __init__(self, *args, customer: Customer, **kwargs):
        kwargs.setdefault("initial", {"occurred_on": timezone.localdate(), "currency": "EUR"})
        super().__init__(*args, **kwargs)
        self.instance.customer = customer
        self.instance.source = "manual"

    def clean(self):
        cleaned = super().clean()
        external_ref = cleaned.get("external_ref")
        if external_ref:
            duplicates = Transaction.objects.filter(
                source=self.instance.source, external_ref=external_ref
            ).exclude(pk=self.instance.pk)
            if duplicates.exists():
                self.add_error(
                    "external_ref", _("A transaction with this reference already exists.")
                )
        occurred_on, due_on = cleaned.get("occurred_on"), cleaned.get("due_on")
        if occurred_on and due_on and due_on < occurred_on:
            self.add_error("due_on", _("The due date cannot be before the transaction date."))
        return cleaned
