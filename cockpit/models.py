from django.conf import settings
from django.db import models
from django.utils.translation import gettext
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
        return gettext("Profile of %(user)s") % {"user": self.user}


class PortfolioCell(models.Model):
    """One cell of the portfolio cube: the customers of one owner, industry, value class
    and segment on one day, summed (``dimension`` "all"), or split further by phase,
    alert colour, recency band, previous segment or alert rule (``member``).

    Written set-based after every KPI run and alert evaluation and daily by Celery beat,
    so the cockpit sums a few thousand cells instead of a million customers. "all" cells
    are kept as the portfolio's history; the other dimensions only for the latest day.
    """

    class Dimension(models.TextChoices):
        ALL = "all", _("all customers")
        PHASE = "phase", _("life-cycle phase")
        ALERT = "alert", _("alert colour")
        RECENCY = "recency", _("days since last reaction")
        MIGRATION = "migration", _("segment a month before")
        RULE = "rule", _("open alerts by rule")
        CONCENTRATION = "concentration", _("twentieth of the book by revenue")

    taken_on = models.DateField(_("taken on"))
    dimension = models.CharField(_("dimension"), max_length=16, choices=Dimension.choices)
    member = models.CharField(_("member"), max_length=32, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    industry = models.CharField(_("industry"), max_length=32, blank=True)
    value_class = models.CharField(_("value class"), max_length=1, blank=True)
    rfm_segment = models.ForeignKey(
        "customers.RFMSegment",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    customers = models.PositiveIntegerField(default=0)
    buyers = models.PositiveIntegerField(default=0)
    active_customers = models.PositiveIntegerField(default=0)
    revenue_12m = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    # the sum of clv_12m: the predicted, discounted revenue of the next 12 months
    expected_revenue_12m = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    relationship_days_sum = models.BigIntegerField(default=0)
    relationship_days_count = models.PositiveIntegerField(default=0)
    reaction_recency_sum = models.BigIntegerField(default=0)
    reaction_recency_count = models.PositiveIntegerField(default=0)
    purchases_12m = models.PositiveIntegerField(default=0)
    contracts_12m = models.PositiveIntegerField(default=0)
    overdue_contacts = models.PositiveIntegerField(default=0)
    red_alerts = models.PositiveIntegerField(default=0)
    yellow_alerts = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("portfolio cell")
        verbose_name_plural = _("portfolio cells")
        indexes = [
            models.Index(fields=["dimension", "taken_on"], name="portfolio_dimension_day_idx"),
            models.Index(fields=["owner", "dimension", "taken_on"], name="portfolio_owner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.taken_on} {self.dimension}={self.member}"
