from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.choices import (
    CONTACT_CHANNELS,
    EnrollmentStatus,
    PlanStatus,
    TaskKind,
    TaskOrigin,
    TaskStatus,
)
from cockpit.wording import in_readers_language
from customers.choices import Industry, LifecyclePhase, ValueClass
from customers.models import Contact, Customer, Interaction, RFMSegment
from customers.models.customers import OfCustomerQuerySet


class ContactCadence(models.Model):
    """A target contact interval for the customers in its scope (all when no scope is set).

    Where several cadences apply, the earliest due date wins: an A customer in insurance
    is called every 30 days and still visited once a year."""

    name = models.CharField(_("name"), max_length=120)
    value_class = models.CharField(
        _("value class"), max_length=1, choices=ValueClass.choices, blank=True
    )
    segment = models.ForeignKey(
        RFMSegment, verbose_name=_("RFM segment"), on_delete=models.CASCADE, null=True, blank=True
    )
    industry = models.CharField(_("industry"), max_length=32, choices=Industry.choices, blank=True)
    interval_days = models.PositiveIntegerField(
        _("contact at least every (days)"),
        validators=[MinValueValidator(1), MaxValueValidator(3650)],  # ten years at most
    )
    in_person = models.BooleanField(
        _("in person"), default=False, help_text=_("Only visits and events restart the clock.")
    )
    active = models.BooleanField(_("on"), default=True)

    class Meta:
        verbose_name = _("contact cadence")
        verbose_name_plural = _("contact cadences")
        ordering = ["interval_days", "name"]

    def __str__(self) -> str:
        return self.name

    def scope_label(self) -> str:
        parts = [
            self.get_value_class_display() and _("class %(c)s") % {"c": self.value_class},
            self.segment and str(self.segment),
            self.industry and self.get_industry_display(),
        ]
        return ", ".join(str(part) for part in parts if part) or str(_("all customers"))


class Sequence(models.Model):
    """A playbook: steps with day offsets, started when a customer enters ``phase`` and
    stopped when it leaves it."""

    name = models.CharField(_("name"), max_length=120)
    phase = models.CharField(
        _("starts when the customer enters"), max_length=16, choices=LifecyclePhase.choices
    )
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("on"), default=True)

    class Meta:
        verbose_name = _("sequence")
        verbose_name_plural = _("sequences")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SequenceStep(models.Model):
    sequence = models.ForeignKey(Sequence, on_delete=models.CASCADE, related_name="steps")
    offset_days = models.PositiveIntegerField(_("day"), help_text=_("Days after the start."))
    kind = models.CharField(_("kind"), max_length=16, choices=TaskKind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("what to do"), blank=True)
    title_de = models.CharField(_("title (German)"), max_length=200, blank=True)
    text_de = models.TextField(_("what to do (German)"), blank=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["sequence", "offset_days", "id"]

    def __str__(self) -> str:
        return f"{self.sequence}: {self.title}"

    @property
    def localized_title(self) -> str:
        """The title in the active language: the German wording on German pages, if any."""
        return in_readers_language(self.title, self.title_de)

    @property
    def localized_text(self) -> str:
        return in_readers_language(self.text, self.text_de)


class SequenceEnrollment(models.Model):
    """A customer's run through a sequence, from entering the phase until leaving it."""

    sequence = models.ForeignKey(
        Sequence, verbose_name=_("sequence"), on_delete=models.CASCADE, related_name="enrollments"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    started_on = models.DateField(_("started"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EnrollmentStatus.choices,
        default=EnrollmentStatus.ACTIVE,
    )
    left_phase_on = models.DateField(_("left the phase"), null=True, blank=True)

    class Meta:
        verbose_name = _("sequence run")
        verbose_name_plural = _("sequence runs")
        constraints = [
            # One run per stay in the phase: a new one may start only after leaving it.
            models.UniqueConstraint(
                fields=["sequence", "customer"],
                condition=Q(left_phase_on__isnull=True),
                name="enrollment_one_per_stay",
            )
        ]
        indexes = [models.Index(fields=["customer"], name="enrollment_customer_idx")]

    def __str__(self) -> str:
        return f"{self.sequence} · {self.customer}"


class ActionPlanQuerySet(OfCustomerQuerySet):
    pass


class ActionPlan(models.Model):
    """The special-relationship agenda of a key account: a goal, its measures (tasks) and
    a date to review progress."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="plans"
    )
    goal = models.CharField(_("goal"), max_length=300)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="action_plans",
    )
    review_on = models.DateField(_("review on"))
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["review_on", "id"]

    def __str__(self) -> str:
        return self.goal

    def progress(self) -> tuple[int, int]:
        """(measures done, measures not cancelled)."""
        counts = self.measures.exclude(status=TaskStatus.CANCELLED).aggregate(
            done=models.Count("pk", filter=Q(status=TaskStatus.DONE)), all=models.Count("pk")
        )
        return counts["done"], counts["all"]


class TaskQuerySet(OfCustomerQuerySet):
    def open(self) -> "TaskQuerySet":
        return self.filter(status=TaskStatus.OPEN)


class Task(models.Model):
    """A follow-up: who does what for which customer by when."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="tasks"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_tasks",
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    due_on = models.DateField(_("due"))
    kind = models.CharField(_("kind"), max_length=16, choices=TaskKind.choices)
    origin = models.CharField(
        _("origin"), max_length=16, choices=TaskOrigin.choices, default=TaskOrigin.MANUAL
    )
    status = models.CharField(
        _("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    outcome = models.TextField(_("outcome"), blank=True)
    alert = models.ForeignKey(
        "alerts.Alert",
        verbose_name=_("alert"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measures",
    )
    enrollment = models.ForeignKey(
        SequenceEnrollment,
        verbose_name=_("sequence run"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
    )
    step = models.ForeignKey(
        SequenceStep,
        verbose_name=_("sequence step"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    interaction = models.OneToOneField(
        Interaction,
        verbose_name=_("logged touchpoint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="task",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "id"]
        constraints = [
            # Just-in-time cadence tasks never pile up: one open per customer.
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(origin=TaskOrigin.CADENCE, status=TaskStatus.OPEN),
                name="task_one_open_cadence_task",
            ),
            models.UniqueConstraint(
                fields=["enrollment", "step"],
                condition=Q(enrollment__isnull=False),
                name="task_one_per_sequence_step",
            ),
        ]
        indexes = [
            models.Index(fields=["assignee", "status", "due_on"], name="task_assignee_due_idx"),
            models.Index(fields=["customer", "status"], name="task_customer_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.display_title} · {self.customer.name}"

    def get_absolute_url(self) -> str:
        return reverse("agenda:task", args=[self.pk])

    def clean(self) -> None:
        if self.contact_id and self.contact.customer_id != self.customer_id:
            raise ValidationError({"contact": _("This person works for another customer.")})

    def _written_for(self) -> tuple[tuple[str, str], tuple[str, str]] | None:
        """((title, title_de), (text, text_de)) of the sequence step or alert rule this task
        was made from, whose wording it keeps in the reader's language until a rep rewords
        it."""
        if self.step_id:
            return (self.step.title, self.step.title_de), (self.step.text, self.step.text_de)
        if self.alert_id:
            rule = self.alert.rule
            return (rule.name, rule.name_de), (rule.guidance, rule.guidance_de)
        return None

    @property
    def display_title(self) -> str:
        source = self._written_for()
        if source and self.title and self.title in source[0]:
            return in_readers_language(*source[0])
        if self.title:
            return self.title
        if self.origin == TaskOrigin.CADENCE:
            return str(_("Contact due: %(kind)s") % {"kind": self.get_kind_display()})
        return str(self.get_kind_display())

    @property
    def display_notes(self) -> str:
        source = self._written_for()
        if source and self.notes and self.notes in source[1]:
            return in_readers_language(*source[1])
        return self.notes

    @property
    def logs_contact(self) -> bool:
        return self.kind in CONTACT_CHANNELS
