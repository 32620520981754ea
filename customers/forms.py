import datetime as dt
import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.utils import formats, timezone
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


class DecimalInput(forms.TextInput):
    """A number as text in the page's notation, with the phone's number keyboard."""

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class GroupedDecimalField(forms.DecimalField):
    """A localized amount that may also be written with thousands grouped in the page's
    notation (1.234,56 on a German page, 1,234.56 on an English one)."""

    def __init__(self, **kwargs):
        super().__init__(localize=True, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            grouping = re.escape(formats.get_format("THOUSAND_SEPARATOR"))
            decimal = re.escape(formats.get_format("DECIMAL_SEPARATOR"))
            if re.fullmatch(rf"-?\d{{1,3}}({grouping}\d{{3}})+({decimal}\d*)?", value):
                value = re.sub(grouping, "", value)
        return super().to_python(value)


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

    SUMMARY_MAX_LENGTH = 5000  # a summary, not a transcript

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
        summary = self.fields["summary"]
        summary.widget.attrs["maxlength"] = self.SUMMARY_MAX_LENGTH
        summary.validators.append(MaxLengthValidator(self.SUMMARY_MAX_LENGTH))

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
        widgets = {
            "occurred_on": DateInput(),
            "due_on": DateInput(),
            "paid_on": DateInput(),
            "amount": DecimalInput(),
        }
        # Typed as the page's language writes numbers: 1.234,56 on a German page. A number
        # input would leave that to the browser's language, which may drop the comma.
        field_classes = {"amount": GroupedDecimalField}

    def __init__(self, *args, customer: Customer, **kwargs):
        kwargs.setdefault("initial", {"occurred_on": timezone.localdate(), "currency": "EUR"})
        super().__init__(*args, **kwargs)
        self.instance.customer = customer
        self.instance.source = "manual"

    def clean(self):
        cleaned = super().clean()
        external_ref = cleaned.get("external_ref")
        if external_ref:
            self._check_reference(external_ref)
        occurred_on, due_on = cleaned.get("occurred_on"), cleaned.get("due_on")
        if occurred_on and occurred_on > timezone.localdate():
            self.add_error(
                "occurred_on",
                _("This date is in the future: record a transaction once it has happened."),
            )
        if occurred_on and due_on and due_on < occurred_on:
            self.add_error("due_on", _("The due date cannot be before the transaction date."))
        return cleaned

    def _check_reference(self, external_ref: str) -> None:
        """Unique per source in the database; and a reference the customer already has from
        another source (the ERP's invoice typed in again) would count the revenue twice."""
        same = Transaction.objects.filter(external_ref=external_ref).exclude(pk=self.instance.pk)
        known = (
            same.filter(customer=self.instance.customer).order_by("occurred_on").first()
            or same.filter(source=self.instance.source).first()
        )
        if known is None:
            return
        if known.customer_id != self.instance.customer.pk:
            self.add_error("external_ref", _("A transaction with this reference already exists."))
            return
        self.add_error(
            "external_ref",
            _(
                "This customer has %(reference)s already: %(kind)s of %(date)s over "
                "%(amount)s %(currency)s."
            )
            % {
                "reference": external_ref,
                "kind": known.get_kind_display(),
                "date": formats.date_format(known.occurred_on, "SHORT_DATE_FORMAT"),
                "amount": formats.number_format(known.amount, 2, force_grouping=True),
                "currency": known.currency,
            },
        )
