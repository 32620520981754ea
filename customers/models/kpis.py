"""Derived data: one CustomerKPI row per customer, its monthly snapshots, and the runs.

Every value here can be recomputed from transactions and interactions (see
customers/kpis/engine.py); nothing in this module is a fact of its own except the RFM
segment map an admin edits.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cockpit.wording import in_readers_language
from customers.choices import LifecyclePhase, ValueClass
from customers.models.customers import Customer, OfCustomerQuerySet

SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class RFMSegment(models.Model):
    """One cell group of the R x F grid. The admin may edit names and bounds."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=60)
    name_de = models.CharField(_("name (German)"), max_length=60)
    r_min = models.PositiveSmallIntegerField(_("R from"), validators=SCORE)
    r_max = models.PositiveSmallIntegerField(_("R to"), validators=SCORE)
    f_min = models.PositiveSmallIntegerField(_("F from"), validators=SCORE)
    f_max = models.PositiveSmallIntegerField(_("F to"), validators=SCORE)
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        default=100,
        validators=[MaxValueValidator(999)],
        help_text=_("Where cells overlap, the lowest number wins."),
    )
    description = models.TextField(_("description (English)"), blank=True)
    description_de = models.TextField(_("description (German)"), blank=True)

    class Meta:
        verbose_name = _("RFM segment")
        verbose_name_plural = _("RFM segments")
        ordering = ["priority", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(r_min__lte=models.F("r_max")) & Q(f_min__lte=models.F("f_max")),
                name="rfmsegment_bounds_ordered",
                violation_error_message=_("A lower bound is above its upper bound."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_de if translation.get_language() == "de" else self.name_en

    @property
    def localized_description(self) -> str:
        return in_readers_language(self.description, self.description_de)

    def clean(self) -> None:
        for field in ("r_min", "r_max", "f_min", "f_max"):
            value = getattr(self, field)
            if value is not None and not 1 <= value <= 5:
                raise ValidationError({field: _("Scores run from 1 to 5.")})
        if self.r_min is not None and self.r_max is not None and self.r_min > self.r_max:
            raise ValidationError({"r_max": _("“R to” must be at least “R from”.")})
        if self.f_min is not None and self.f_max is not None and self.f_min > self.f_max:
            raise ValidationError({"f_max": _("“F to” must be at least “F from”.")})


class CustomerKPIQuerySet(OfCustomerQuerySet):
    pass


class CustomerKPI(models.Model):
    """The customer's value as of ``as_of``; half-open windows (as_of - N days, as_of]."""

    # Derived rows carry no database foreign keys: the engine writes a million of them at
    # a time and constraint triggers would double that cost. Django still cascades deletes.
    customer = models.OneToOneField(
        Customer,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="kpi",
        db_constraint=False,
    )
    as_of = models.DateField()
    computed_at = models.DateTimeField()

    # the minimal four
    relationship_days = models.IntegerField(null=True)
    first_purchase_on = models.DateField(null=True)
    last_purchase_on = models.DateField(null=True)
    recency_days = models.IntegerField(null=True)
    last_reaction_on = models.DateField(null=True)
    reaction_recency_days = models.IntegerField(null=True)
    frequency = models.IntegerField(default=0)
    frequency_12m = models.IntegerField(default=0)
    contracts = models.IntegerField(default=0)
    contracts_12m = models.IntegerField(default=0)
    monetary_total = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    monetary_avg = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    revenue_12m = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    # rhythm
    purchase_interval_days = models.FloatField(null=True)
    recency_ratio = models.FloatField(null=True)
    # trend
    revenue_prev_12m = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    revenue_trend_pct = models.FloatField(null=True)
    frequency_prev_12m = models.IntegerField(default=0)
    frequency_trend_pct = models.FloatField(null=True)
    # ratio
    return_ratio = models.FloatField(null=True)
    # payment
    payment_delay_days = models.FloatField(null=True)
    overdue_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    # contact
    last_contact_on = models.DateField(null=True)
    days_since_contact = models.IntegerField(null=True)
    last_in_person_on = models.DateField(null=True)
    contact_due_on = models.DateField(null=True)
    contact_overdue_days = models.IntegerField(null=True)
    # The customer's objection to contact, carried so alert rules that ask for contact can
    # leave them out without joining every customer.
    contact_opt_out = models.BooleanField(default=False, db_default=False)
    contacts_90d = models.IntegerField(default=0)
    complaints_90d = models.IntegerField(default=0)
    service_requests_90d = models.IntegerField(default=0)
    dark_share_12m = models.FloatField(null=True)
    satisfaction_avg_12m = models.FloatField(null=True)
    relationship_account = models.IntegerField(default=0)
    # cost to serve
    cost_to_serve = models.FloatField(null=True)
    # predicted (BG/NBD + Gamma-Gamma, see customers/kpis/predictive.py)
    p_alive = models.FloatField(null=True)
    expected_purchases_90d = models.FloatField(null=True)
    clv_12m = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    # scores
    r_score = models.PositiveSmallIntegerField(null=True)
    f_score = models.PositiveSmallIntegerField(null=True)
    m_score = models.PositiveSmallIntegerField(null=True)
    rfm_segment = models.ForeignKey(
        RFMSegment,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,  # kpi_segment_idx covers it
    )
    value_class = models.CharField(max_length=1, choices=ValueClass.choices, default=ValueClass.C)
    lifecycle_phase = models.CharField(max_length=16, choices=LifecyclePhase.choices)

    objects = CustomerKPIQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer KPIs")
        verbose_name_plural = _("customer KPIs")
        indexes = [
            models.Index(fields=["value_class", "customer"], name="kpi_value_class_idx"),
            models.Index(fields=["rfm_segment", "customer"], name="kpi_segment_idx"),
            models.Index(fields=["lifecycle_phase", "customer"], name="kpi_phase_idx"),
            models.Index(fields=["recency_days"], name="kpi_recency_idx"),
            models.Index(fields=["revenue_12m"], name="kpi_revenue_12m_idx"),
        ]

    def __str__(self) -> str:
        return f"KPIs of {self.customer_id} as of {self.as_of}"


class CustomerKPISnapshot(models.Model):
    """The main KPIs and scores of one customer at the last run of a month."""

    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="kpi_snapshots",
        db_constraint=False,
        db_index=False,  # the unique (customer, month) index covers it
    )
    month = models.DateField(help_text=_("First day of the month."))
    last_purchase_on = models.DateField(null=True)
    reaction_recency_days = models.IntegerField(null=True)
    frequency = models.IntegerField(default=0)
    monetary_total = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    revenue_12m = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    r_score = models.PositiveSmallIntegerField(null=True)
    f_score = models.PositiveSmallIntegerField(null=True)
    m_score = models.PositiveSmallIntegerField(null=True)
    rfm_segment = models.ForeignKey(
        RFMSegment,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    value_class = models.CharField(max_length=1, choices=ValueClass.choices)
    lifecycle_phase = models.CharField(max_length=16, choices=LifecyclePhase.choices)

    class Meta:
        verbose_name = _("monthly KPI snapshot")
        verbose_name_plural = _("monthly KPI snapshots")
        constraints = [
            models.UniqueConstraint(fields=["customer", "month"], name="kpi_snapshot_one_per_month")
        ]
        indexes = [models.Index(fields=["month", "rfm_segment"], name="kpi_snapshot_month_idx")]

    def __str__(self) -> str:
        return f"KPIs of {self.customer_id} in {self.month:%Y-%m}"


class KPIRun(models.Model):
    """One recompute. A running full run is the lock that keeps a second one out."""

    class Kind(models.TextChoices):
        FULL = "full", _("Full")
        INCREMENTAL = "incremental", _("Incremental")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    as_of = models.DateField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)
    customers = models.IntegerField(default=0)
    rows_written = models.IntegerField(default=0)
    chunks = models.IntegerField(default=0)
    chunks_done = models.IntegerField(default=0)
    chunks_by_worker = models.JSONField(default=dict, blank=True)  # host name: chunks done
    # Score cut-offs of a full run; incremental runs score touched customers against them.
    cuts = models.JSONField(default=dict)
    # Incremental runs: whom they recomputed, so a full run finishing later redoes them.
    customer_ids = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("KPI run")
        verbose_name_plural = _("KPI runs")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="full", status="running"),
                name="kpirun_one_full_run_at_a_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} run as of {self.as_of} ({self.get_status_display()})"


class KPIBacklogEntry(models.Model):
    """A customer whose KPIs wait for a recompute: written in the same database
    transaction as the change that touched it, so the work survives a broker or worker
    outage; removed once a recompute that started after the touch has finished."""

    customer = models.OneToOneField(
        Customer,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    touched_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("customer waiting for a KPI recompute")
        verbose_name_plural = _("KPI backlog")

    def __str__(self) -> str:
        return f"KPIs of {self.customer_id} wait since {self.touched_at:%Y-%m-%d %H:%M}"
