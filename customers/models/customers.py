from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cockpit.roles import sees_all_customers
from customers.choices import CustomerKind, Industry


def not_in_the_future(day) -> None:
    """A customer since a future date would count negative relationship days, and its
    contact clock would start in the future."""
    if day > timezone.localdate():
        raise ValidationError(
            _("A customer since a future date is not a customer yet: leave it empty.")
        )


def _visible(queryset: models.QuerySet, user, owner: str) -> models.QuerySet:
    """The rows of ``queryset`` a user may see: all for managers and admins, else those of
    their own customers, whose owner is the lookup ``owner``."""
    if not user.is_authenticated:
        return queryset.none()
    if sees_all_customers(user):
        return queryset
    return queryset.filter(**{owner: user})


class CustomerQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CustomerQuerySet":
        """The customers a user may see: all for managers and admins, else their own."""
        return _visible(self, user, "owner")


class Customer(models.Model):
    number = models.CharField(
        _("customer number"),
        max_length=32,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                _("Use letters, digits, dots, dashes and underscores only."),
            )
        ],
        help_text=_("The key integrations use (ERP, shop, telephony)."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=CustomerKind.choices, default=CustomerKind.COMPANY
    )
    industry = models.CharField(_("industry"), max_length=32, choices=Industry.choices, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        help_text=_("The responsible sales rep."),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customers",
        # owner_id leads the two owner indexes below: no index of its own to keep up.
        db_index=False,
    )
    customer_since = models.DateField(
        _("customer since"), null=True, blank=True, validators=[not_in_the_future]
    )
    contact_opt_out = models.BooleanField(
        _("contact opt-out"),
        default=False,
        help_text=_("The customer objected to being contacted."),
    )
    contact_interval_days = models.PositiveIntegerField(
        _("own contact interval (days)"),
        null=True,
        blank=True,
        help_text=_("Replaces the contact cadences for this customer. Empty: the cadences apply."),
    )
    notes = models.TextField(_("notes"), blank=True)
    # Kept by the alerts app after each evaluation, so lists sort and filter by colour
    # through an index instead of looking at every customer's alerts.
    alert_rank = models.PositiveSmallIntegerField(
        _("alert colour"),
        default=0,
        db_default=0,
        editable=False,
        help_text=_("0 green, 1 yellow, 2 red"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "number"]
        indexes = [
            models.Index(fields=["owner", "name"], name="customer_owner_name_idx"),
            models.Index(fields=["name"], name="customer_name_idx"),
            # The book sorted by colour. A rep's own customers (a few thousand) sort by colour
            # in memory, read through (owner, name): one more index keyed by name cost every
            # colour change about 5 s per million customers changing colour (measured).
            models.Index(fields=["-alert_rank", "name"], name="customer_alert_rank_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(number=""), name="customer_number_not_empty"),
            models.CheckConstraint(condition=~Q(name=""), name="customer_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    def get_absolute_url(self) -> str:
        return reverse("customers:detail", args=[self.number])


class OfCustomerQuerySet(models.QuerySet):
    """Rows that belong to a customer are visible exactly when their customer is."""

    def visible_to(self, user) -> "OfCustomerQuerySet":
        """The rows of the customers a user may see (a join, not a semi-join over every
        customer: a manager's alert inbox counted a million customers for nothing)."""
        return _visible(self, user, "customer__owner")


class ContactQuerySet(OfCustomerQuerySet):
    pass


class Contact(models.Model):
    """A contact person at a customer."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    contact_opt_out = models.BooleanField(
        _("contact opt-out"),
        default=False,
        help_text=_("This person objected to being contacted."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(is_primary=True),
                name="contact_one_primary_per_customer",
                violation_error_message=_("This customer already has a primary contact."),
            ),
            models.CheckConstraint(condition=~Q(name=""), name="contact_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name
