from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.choices import (
    PURCHASE_KINDS,
    Channel,
    Direction,
    InteractionKind,
    Rating,
    TransactionKind,
)
from customers.models.customers import Contact, Customer, OfCustomerQuerySet


class InteractionQuerySet(OfCustomerQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for interaction in objs:
            interaction.set_occurred_on()
        return super().bulk_create(objs, *args, **kwargs)


class Interaction(models.Model):
    """One touchpoint with a customer or one of its contact persons."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="interactions",
        db_index=False,  # interaction_customer_time_idx and interaction_kpi_idx lead with it
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
    # The business-day of occurred_at (TIME_ZONE), kept so date KPIs are plain date arithmetic.
    occurred_on = models.DateField(_("date"), editable=False)
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
    source = models.CharField(
        _("source"), max_length=32, default="manual", help_text=_("The system it came from.")
    )
    external_ref = models.CharField(
        _("external reference"),
        max_length=100,
        blank=True,
        help_text=_("Unique per source: sending it again changes nothing."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["customer", "occurred_at"], name="interaction_customer_time_idx"),
            # Covers the contact KPIs so their aggregate reads only the index.
            models.Index(
                fields=[
                    "customer",
                    "occurred_on",
                    "kind",
                    "direction",
                    "channel",
                    "rating",
                    "satisfaction",
                ],
                name="interaction_kpi_idx",
            ),
            models.Index(fields=["contact"], name="interaction_contact_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_ref"],
                condition=~Q(external_ref=""),
                name="interaction_unique_external_ref",
                violation_error_message=_("An interaction with this reference already exists."),
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="interaction_satisfaction_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.customer.name} · {self.occurred_at:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        self.set_occurred_on()
        super().save(*args, **kwargs)

    def set_occurred_on(self) -> None:
        self.occurred_on = timezone.localdate(self.occurred_at)

    def clean(self) -> None:
        if self.contact_id and self.customer_id and self.contact.customer_id != self.customer_id:
            raise ValidationError(
                {"contact": _("This contact person belongs to another customer.")}
            )


class TransactionQuerySet(OfCustomerQuerySet):
    def purchases(self) -> "TransactionQuerySet":
        return self.filter(kind__in=PURCHASE_KINDS)


class Transaction(models.Model):
    """A business transaction. Amounts are never negative; the kind says whether it bills the
    customer (order, invoice, contract) or reduces net revenue (return, credit note)."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="transactions",
        db_index=False,  # transaction_kpi_idx leads with it
    )
    kind = models.CharField(_("type"), max_length=16, choices=TransactionKind.choices)
    occurred_on = models.DateField(_("date"))
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Never negative; returns and credit notes are subtracted by their type."),
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
            # Covers every transaction KPI: the aggregate streams through the index in
            # customer order without touching the table.
            models.Index(
                fields=["customer", "occurred_on", "kind", "amount", "due_on", "paid_on"],
                name="transaction_kpi_idx",
            ),
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
