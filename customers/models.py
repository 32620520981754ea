from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cockpit.roles import sees_all_customers
from customers.choices import (
    PURCHASE_KINDS,
    Channel,
    CustomerKind,
    Direction,
    Industry,
    InteractionKind,
    Rating,
    TransactionKind,
)


class CustomerQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CustomerQuerySet":
        """The customers a user may see: all for managers and admins, else their own."""
        if not user.is_authenticated:
            return self.none()
        if sees_all_customers(user):
            return self
        return self.filter(owner=user)


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
    )
    customer_since = models.DateField(_("customer since"), null=True, blank=True)
    contact_opt_out = models.BooleanField(
        _("contact opt-out"),
        default=False,
        help_text=_("The customer objected to being contacted."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "number"]
        indexes = [
            models.Index(fields=["owner", "name"], name="customer_owner_name_idx"),
            models.Index(fields=["industry"], name="customer_industry_idx"),
            models.Index(fields=["name"], name="customer_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(number=""), name="customer_number_not_empty"),
            models.CheckConstraint(condition=~Q(name=""), name="customer_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    def get_absolute_url(self) -> str:
        return reverse("customers:detail", args=[self.number])


class ContactQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ContactQuerySet":
        return self.filter(customer__in=Customer.objects.visible_to(user))


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


class InteractionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "InteractionQuerySet":
        return self.filter(customer__in=Customer.objects.visible_to(user))


class Interaction(models.Model):
    """One touchpoint with a customer or one of its contact persons."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="interactions"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    kind = models.CharField(
        _("type"), max_length=24, choices=InteractionKind.choices, default=InteractionKind.CONTACT
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    rating = models.CharField(
        _("rating"), max_length=16, choices=Rating.choices, default=Rating.NEUTRAL
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1-5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 = very unhappy, 5 = delighted."),
    )
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["customer", "occurred_at"], name="interaction_customer_time_idx"),
            models.Index(fields=["contact"], name="interaction_contact_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="interaction_satisfaction_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.customer.name} · {self.occurred_at:%Y-%m-%d}"

    def clean(self) -> None:
        if self.contact_id and self.customer_id and self.contact.customer_id != self.customer_id:
            raise ValidationError(
                {"contact": _("This contact person belongs to another customer.")}
            )


class TransactionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "TransactionQuerySet":
        return self.filter(customer__in=Customer.objects.visible_to(user))

    def purchases(self) -> "TransactionQuerySet":
        return self.filter(kind__in=PURCHASE_KINDS)


class Transaction(models.Model):
    """A business transaction. Amounts are positive; the kind says whether it bills the
    customer (order, invoice, contract) or reduces net revenue (return, credit note)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="transactions"
    )
    kind = models.CharField(_("type"), max_length=16, choices=TransactionKind.choices)
    occurred_on = models.DateField(_("date"))
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Always positive; returns and credit notes are subtracted by their type."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="EUR",
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO code such as EUR."))],
    )
    source = models.CharField(
        _("source"),
        max_length=32,
        default="manual",
        help_text=_("The system the transaction came from (erp, shop, manual...)."),
    )
    external_ref = models.CharField(
        _("external reference"),
        max_length=64,
        blank=True,
        help_text=_("Unique per source; re-importing the same reference changes nothing."),
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TransactionQuerySet.as_manager()

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["customer", "occurred_on"], name="transaction_customer_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="transaction_amount_not_negative"
            ),
            models.UniqueConstraint(
                fields=["source", "external_ref"],
                condition=~Q(external_ref=""),
                name="transaction_unique_external_ref",
                violation_error_message=_("A transaction with this reference already exists."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency} · {self.occurred_on}"

    @property
    def signed_amount(self) -> Decimal:
        """The amount as it counts towards net revenue."""
        return self.amount if self.kind in PURCHASE_KINDS else -self.amount

    def is_overdue(self, today) -> bool:
        return self.paid_on is None and self.due_on is not None and self.due_on < today
