"""Tolerance rules, alerts and their history.

A rule says when a KPI is out of tolerance (yellow and red bound, direction, scope). An
Alert is the fact that a customer is out of a rule's band: at most one unresolved alert
per customer and rule. Every change of an alert is an AlertEvent written in the same
transaction. RuleState counts evaluations for the flap guard.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from alerts.addresses import validate_public_address
from alerts.choices import VALUE_CLASS_RANK, AlertState, Direction, EventKind, Level
from cockpit.people import person_name
from cockpit.wording import in_readers_language
from customers.choices import Industry, LifecyclePhase, ValueClass
from customers.kpis.catalogue import BY_NAME, CATALOGUE, Unit
from customers.models import Customer, RFMSegment
from customers.models.customers import OfCustomerQuerySet

NUMERIC_KPIS = [
    (kpi.name, kpi.label) for kpi in CATALOGUE if kpi.unit not in (Unit.DATE, Unit.LABEL)
]


MAX_FLAP_GUARD = 30


class ToleranceRule(models.Model):
    name = models.CharField(
        _("name"), max_length=120, help_text=_("Shown in every language without its own wording.")
    )
    name_de = models.CharField(
        _("name (German)"),
        max_length=120,
        blank=True,
        help_text=_("Optional: shown on German pages and in German e-mails instead."),
    )
    kpi = models.CharField(_("KPI"), max_length=40, choices=NUMERIC_KPIS)
    direction = models.CharField(_("alert when the value is"), max_length=16,
                                 choices=Direction.choices)  # fmt: skip
    yellow_bound = models.FloatField(_("yellow bound"))
    red_bound = models.FloatField(_("red bound"))
    # Scope: empty means "all"; several scopes combine (all must match).
    value_classes = models.JSONField(_("value classes"), default=list, blank=True)
    segments = models.ManyToManyField(RFMSegment, verbose_name=_("RFM segments"), blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    phases = models.JSONField(_("life-cycle phases"), default=list, blank=True)
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("owners"), blank=True, related_name="+"
    )
    guidance = models.TextField(_("guidance"), help_text=_("What the rep should do now."))
    guidance_de = models.TextField(
        _("guidance (German)"),
        blank=True,
        help_text=_("Optional: shown on German pages and in German e-mails instead."),
    )
    notify_owner = models.BooleanField(_("tell the owner"), default=True)
    notify_managers_on_red = models.BooleanField(_("tell managers on red"), default=True)
    escalating = models.BooleanField(
        _("escalating"),
        default=False,
        help_text=_("Managers get red alerts of this rule at once, not in the digest."),
    )
    webhook_url = models.URLField(
        _("webhook"),
        blank=True,
        validators=[validate_public_address],
        help_text=_(
            "Optional: a signed JSON POST to this address when an alert of the rule opens, "
            "escalates or resolves."
        ),
    )
    # Events before this moment are never sent: setting a webhook does not replay history.
    webhook_since = models.DateTimeField(_("webhook since"), null=True, blank=True, editable=False)
    extra_recipients = models.TextField(
        _("extra addresses"), blank=True, help_text=_("E-mail addresses, one per line.")
    )
    # At most a month of nightly evaluations: more, and the rule would never speak.
    pending_evaluations = models.PositiveSmallIntegerField(
        _("evaluations out of band before it opens"),
        default=1,
        validators=[MaxValueValidator(MAX_FLAP_GUARD)],
    )
    resolve_after = models.PositiveSmallIntegerField(
        _("evaluations back in band before it resolves"),
        default=1,
        validators=[MaxValueValidator(MAX_FLAP_GUARD)],
    )
    enabled = models.BooleanField(
        _("on"),
        default=True,
        help_text=_(
            "Switched off, the rule raises nothing, and its open alerts are resolved; their "
            "history stays."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("tolerance rule")
        verbose_name_plural = _("tolerance rules")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(direction=Direction.TOO_HIGH) & Q(red_bound__gte=models.F("yellow_bound"))
                )
                | (Q(direction=Direction.TOO_LOW) & Q(red_bound__lte=models.F("yellow_bound"))),
                name="rule_red_beyond_yellow",
                violation_error_message=_("The red bound must lie beyond the yellow bound."),
            ),
            models.CheckConstraint(
                condition=Q(pending_evaluations__gte=1) & Q(resolve_after__gte=1),
                name="rule_flap_guard_at_least_one",
            ),
        ]

    def __str__(self) -> str:
        return self.localized_name

    def save(self, *args, **kwargs) -> None:
        previous = (
            ToleranceRule.objects.filter(pk=self.pk).values_list("webhook_url", flat=True).first()
            if self.pk
            else None
        )
        if self.webhook_url and self.webhook_url != previous:
            self.webhook_since = timezone.now()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        name = (self.name or "").strip()
        if name and ToleranceRule.objects.filter(name__iexact=name).exclude(pk=self.pk).exists():
            # Alerts, mails and the inbox tell rules apart by their names.
            errors["name"] = _("There is a rule of this name already.")
        if self.yellow_bound is not None and self.red_bound is not None:
            if self.direction == Direction.TOO_HIGH and self.red_bound < self.yellow_bound:
                errors["red_bound"] = _("Too high: the red bound must be at or above yellow.")
            if self.direction == Direction.TOO_LOW and self.red_bound > self.yellow_bound:
                errors["red_bound"] = _("Too low: the red bound must be at or below yellow.")
        entry = BY_NAME.get(self.kpi)
        if entry is not None and entry.unit == Unit.PROBABILITY:
            for field in ("yellow_bound", "red_bound"):
                bound = getattr(self, field)
                if bound is not None and not 0 <= bound <= 1:
                    errors[field] = _("A probability is between 0 and 1: 0.5 means 50 percent.")
        for field, allowed in (
            ("value_classes", ValueClass.values),
            ("industries", Industry.values),
            ("phases", LifecyclePhase.values),
        ):
            unknown = set(getattr(self, field) or []) - set(allowed)
            if unknown:
                errors[field] = _("Unknown: %(values)s") % {"values": ", ".join(sorted(unknown))}
        if errors:
            raise ValidationError(errors)

    @property
    def localized_name(self) -> str:
        """The name in the active language: the German wording on German pages, if any."""
        return in_readers_language(self.name, self.name_de)

    @property
    def localized_guidance(self) -> str:
        return in_readers_language(self.guidance, self.guidance_de)

    def scope_parts(self) -> list[str]:
        """The scope in words, one part per kind of limit; empty for every customer.
        Reads segments and owners: prefetch them for a list of rules."""
        industries, phases = dict(Industry.choices), dict(LifecyclePhase.choices)
        parts = [
            _("class %(classes)s") % {"classes": ", ".join(self.value_classes)}
            if self.value_classes else "",
            ", ".join(segment.name for segment in self.segments.all()),
            ", ".join(str(industries.get(i, i)) for i in self.industries),
            ", ".join(str(phases.get(p, p)) for p in self.phases),
            ", ".join(person_name(owner) for owner in self.owners.all()),
        ]  # fmt: skip
        return [part for part in parts if part]

    @property
    def kpi_entry(self):
        return BY_NAME[self.kpi]


class AlertQuerySet(OfCustomerQuerySet):
    def unresolved(self) -> "AlertQuerySet":
        return self.exclude(state=AlertState.RESOLVED)

    def reddest_first(self) -> "AlertQuerySet":
        """Red before yellow ('red' sorts before 'yellow'), then A before B before C
        customers (Alert.value_rank), then the oldest."""
        return self.order_by("level", "value_rank", "opened_at", "id")


class Alert(models.Model):
    # Alerts, their events and rule states carry no database foreign keys: a first
    # evaluation writes millions of each in one transaction, and the deferred constraint
    # checks at commit took 39 of 114 s at a million customers. Only the evaluation's own
    # set-based statements (from rows that exist) and the ORM write them; Django still
    # cascades deletes.
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="alerts",
        db_constraint=False,
    )
    # rule_id leads the index of unresolved alerts: no index of its own.
    # A rule with alerts is switched off, not deleted: deleting took their history along.
    rule = models.ForeignKey(
        ToleranceRule,
        verbose_name=_("rule"),
        on_delete=models.PROTECT,
        related_name="alerts",
        db_constraint=False,
        db_index=False,
    )
    level = models.CharField(_("colour"), max_length=8, choices=Level.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=AlertState.choices, default=AlertState.OPEN
    )
    kpi_value = models.FloatField(_("KPI value"), null=True)
    bound = models.FloatField(_("bound crossed"))
    opened_at = models.DateTimeField(_("since"))
    changed_at = models.DateTimeField(_("last change"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True)
    # The customer's value class as a rank (0 A, 1 B, 2 C or none), kept by every
    # evaluation: the inbox sorts the open alerts alone, not joined with every customer's
    # KPIs (5.3 s for a manager's first page at a million customers, 0.3 s alone). An
    # index in inbox order would make it 0.1 s, but cost a first evaluation 6 s.
    value_rank = models.PositiveSmallIntegerField(
        _("value rank"), db_default=VALUE_CLASS_RANK["C"], editable=False
    )
    # The escalation ladder's steps, each taken once.
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    copied_to_manager_at = models.DateTimeField(_("copied to manager"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-opened_at"]
        constraints = [
            # Led by the rule: an evaluation reads a rule's unresolved alerts in customer
            # order (a merge with the KPI rows), and a first evaluation's alerts, written
            # rule after rule in customer order, add to the end of it. A customer's alerts
            # are read through the customer's own index.
            models.UniqueConstraint(
                fields=["rule", "customer"],
                condition=~Q(state="resolved"),
                name="alert_one_unresolved_per_rule_and_customer",
            )
        ]
        indexes = [
            # The snoozes that end today, without reading every alert.
            models.Index(
                fields=["snoozed_until"], condition=Q(state="snoozed"), name="alert_snoozed_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} · {self.customer} · {self.level}"

    def get_absolute_url(self) -> str:
        return reverse("customers:detail", args=[self.customer.number]) + f"#alert-{self.pk}"

    def shown_state(self, today: dt.date) -> str:
        """The state a person sees: a snooze that ran out reads as open."""
        if self.state == AlertState.SNOOZED and self.snoozed_until and self.snoozed_until <= today:
            return AlertState.OPEN
        return self.state


class AlertEvent(models.Model):
    # alert_id leads alertevent_alert_idx; no database foreign key (see Alert).
    alert = models.ForeignKey(
        Alert,
        verbose_name=_("alert"),
        on_delete=models.CASCADE,
        related_name="events",
        db_constraint=False,
        db_index=False,
    )
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    level_before = models.CharField(_("colour before"), max_length=8, choices=Level.choices)
    level_after = models.CharField(_("colour after"), max_length=8, choices=Level.choices)
    kpi_value = models.FloatField(_("KPI value"), null=True)
    bound = models.FloatField(_("bound"), null=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("alert event")
        verbose_name_plural = _("alert events")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["alert", "created_at"], name="alertevent_alert_idx"),
            # Only people's own events have a user; the evaluation's millions do not.
            models.Index(
                fields=["user"], condition=Q(user__isnull=False), name="alertevent_user_idx"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} "
            f"({self.get_level_before_display()} → {self.get_level_after_display()})"
        )


class RuleState(models.Model):
    """Per rule and customer: the level seen at the last evaluation and for how many
    evaluations it held, for the flap guard. Only customers ever out of band have a row."""

    # No database foreign keys (see Alert); rule_id leads both indexes below.
    rule = models.ForeignKey(
        ToleranceRule,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    level = models.CharField(max_length=8, choices=Level.choices)
    kpi_value = models.FloatField(null=True)
    out_streak = models.PositiveIntegerField(default=0)
    in_streak = models.PositiveIntegerField(default=0)
    evaluation = models.BigIntegerField(help_text="KPI run evaluated last")

    class Meta:
        verbose_name = _("rule state")
        verbose_name_plural = _("rule states")
        constraints = [
            models.UniqueConstraint(fields=["rule", "customer"], name="rulestate_one_per_pair")
        ]
        # The transitions read the states of one rule written by one evaluation: after an
        # incremental run those are the touched customers only, not the whole book.
        indexes = [models.Index(fields=["rule", "evaluation"], name="rulestate_evaluation_idx")]

    def __str__(self) -> str:
        return f"{self.rule_id}/{self.customer_id}: {self.level}"


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    IN_FLIGHT = "in_flight", _("Being sent")
    SENT = "sent", _("Sent")
    RETRY = "retry", _("Awaiting retry")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """One alert mail to one recipient: the outbox row, written in the same transaction as
    the alert changes it reports. A worker claims it, sends it, and writes the outcome."""

    evaluation = models.BigIntegerField(
        _("evaluation"), help_text=_("KPI run whose evaluation wrote it")
    )
    kind = models.CharField(_("kind"), max_length=20, default="immediate")
    email = models.EmailField(_("e-mail address"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    events = models.ManyToManyField(
        AlertEvent, verbose_name=_("alert events"), related_name="notifications"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=NotificationStatus.choices,
        default=NotificationStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    retry_after = models.DateTimeField(_("retry after"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            # A digest or a ladder step: one mail per key and address, however often its
            # job runs.
            models.UniqueConstraint(
                fields=["evaluation", "kind", "email"],
                condition=~Q(kind="immediate"),
                name="notification_one_per_key_and_address",
            ),
            # Immediate mail: one per pass of an evaluation and address. A KPI run evaluated
            # again after an admin changed a rule or the segment map tells of what that
            # pass opened; a pass repeated after a crash finds nothing new to tell.
            models.UniqueConstraint(
                fields=["evaluation", "kind", "email", "created_at"],
                condition=Q(kind="immediate"),
                name="notification_one_per_pass_and_address",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "retry_after"],
                condition=Q(status__in=["queued", "retry"]),
                name="notification_due_idx",
            )
        ]

    KIND_LABELS = {
        "immediate": pgettext_lazy("one mail", "Alert mail"),
        "daily": _("Daily digest"),
        "weekly": _("Weekly digest"),
        "reminded": _("Reminder"),
        "copied_to_manager": _("Copy to the manager"),
    }

    def __str__(self) -> str:
        return _("%(kind)s to %(email)s (%(status)s)") % {
            "kind": self.KIND_LABELS.get(self.kind, self.kind),
            "email": self.email,
            "status": self.get_status_display(),
        }


class WebhookDelivery(models.Model):
    """One alert event on its way to a rule's webhook: an outbox row, retried with back-off
    until the receiver answers 2xx. Receivers de-duplicate on the delivery id."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    event = models.OneToOneField(
        AlertEvent, verbose_name=_("alert event"), on_delete=models.CASCADE, related_name="webhook"
    )
    url = models.URLField(_("address"), max_length=500)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    retry_after = models.DateTimeField(_("retry after"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [models.Index(fields=["status", "retry_after"], name="webhook_due_idx")]

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.url}"
