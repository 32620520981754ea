from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.choices import Channel


class TaskKind(models.TextChoices):
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    OTHER = "other", _("Other")


# Completing a task of these kinds logs a touchpoint on the customer's timeline.
CONTACT_CHANNELS = {
    TaskKind.CALL: Channel.PHONE,
    TaskKind.VISIT: Channel.VISIT,
    TaskKind.EMAIL: Channel.EMAIL,
    TaskKind.LETTER: Channel.LETTER,
}


class TaskOrigin(models.TextChoices):
    MANUAL = "manual", _("Manual")
    ALERT = "alert", _("Alert")
    CADENCE = "cadence", _("Contact cadence")
    SEQUENCE = "sequence", _("Sequence")
    PLAN = "plan", _("Action plan")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", _("Running")
    FINISHED = "finished", _("All steps planned")
    STOPPED = "stopped", _("Stopped: the customer left the phase")


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ACHIEVED = "achieved", _("Goal achieved")
    ABANDONED = "abandoned", _("Abandoned")
