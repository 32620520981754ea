from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Alert colour. Green is the absence of an open alert; the colour sits beside the
    word everywhere (LEVEL_COLOURS), never alone."""

    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


LEVEL_COLOURS = {Level.GREEN: "green", Level.YELLOW: "yellow", Level.RED: "red"}
LEVEL_RANK = {Level.GREEN: 0, Level.YELLOW: 1, Level.RED: 2}
# A customer's value class as a rank, the most valuable first (mails, the inbox); a customer
# without a class ranks with C.
VALUE_CLASS_RANK = {"A": 0, "B": 1, "C": 2}


class Direction(models.TextChoices):
    TOO_HIGH = "too_high", _("too high (above the bounds)")
    TOO_LOW = "too_low", _("too low (below the bounds)")


class AlertState(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    SNOOZED = "snoozed", _("Snoozed")
    RESOLVED = "resolved", _("Resolved")


class EventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    ESCALATED = "escalated", _("Escalated to red")
    DE_ESCALATED = "de_escalated", _("Back to yellow")
    RESOLVED = "resolved", _("Resolved: back in band")
    RESOLVED_BY_HAND = "resolved_by_hand", _("Resolved by hand")
    RULE_SWITCHED_OFF = "rule_switched_off", _("Resolved: the rule was switched off")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    SNOOZED = "snoozed", _("Snoozed")
    SNOOZE_ENDED = "snooze_ended", _("Snooze ended")
    REMINDED = "reminded", _("Reminder to the owner")
    COPIED_TO_MANAGER = "copied_to_manager", _("Copied to the owner's manager")
