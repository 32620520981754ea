from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DataRightsRequest(models.Model):
    """Each export or erasure of personal data, who did it and when."""

    class Action(models.TextChoices):
        EXPORT = "export", _("Export")
        ERASE = "erase", _("Erasure")

    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    subject = models.CharField(_("subject"), max_length=100, help_text=_("e.g. contact #12"))
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("data rights request")
        verbose_name_plural = _("data rights requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.subject}"
