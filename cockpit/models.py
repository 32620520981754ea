from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertMail(models.TextChoices):
    IMMEDIATE = "immediate", _("at once, one mail per evaluation")
    DAILY = "daily", _("daily digest")
    WEEKLY = "weekly", _("weekly digest")
    OFF = "off", _("no alert mail")


class UserProfile(models.Model):
    """What the product needs to know about a user beyond Django's user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    alert_mail = models.CharField(
        _("alert e-mails"), max_length=16, choices=AlertMail.choices, default=AlertMail.IMMEDIATE
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Gets a copy of alerts this user leaves unacknowledged."),
    )

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")

    def __str__(self) -> str:
        return f"Profile of {self.user}"
