"""The predictive model (BG/NBD + Gamma-Gamma) of a night's run and its per-customer output.

PredictiveModel keeps every fit (parameters, sample, log-likelihood, holdout check) so an
admin can see what the numbers rest on; CustomerPrediction holds each buyer's BTYD
history and scores, which the KPI engine copies into CustomerKPI.
"""

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customers.models.customers import Customer


class PredictiveModel(models.Model):
    class Status(models.TextChoices):
        FITTED = "fitted", _("Fitted")
        INSUFFICIENT = "insufficient", _("Not enough data")
        FAILED = "failed", _("Did not converge")

    as_of = models.DateField(_("as of"))
    fitted_at = models.DateTimeField(_("fitted at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    reason = models.TextField(_("why not fitted"), blank=True)

    customers = models.PositiveIntegerField(_("buying customers"), default=0)
    repeat_customers = models.PositiveIntegerField(_("repeat customers"), default=0)
    fit_customers = models.PositiveIntegerField(
        _("customers in the fit"), default=0, help_text=_("A random sample on large books.")
    )
    r = models.FloatField(null=True)
    alpha = models.FloatField(null=True)
    a = models.FloatField(null=True)
    b = models.FloatField(null=True)
    log_likelihood = models.FloatField(_("log-likelihood"), null=True)

    spend_customers = models.PositiveIntegerField(_("customers in the spend fit"), default=0)
    spend_zero_excluded = models.PositiveIntegerField(
        _("repeat customers left out of the spend fit (repeat purchases worth 0)"), default=0
    )
    p = models.FloatField(null=True)
    q = models.FloatField(null=True)
    gamma = models.FloatField(null=True)
    spend_log_likelihood = models.FloatField(_("spend log-likelihood"), null=True)
    spend_reason = models.TextField(_("why the spend model is missing"), blank=True)

    holdout_weeks = models.PositiveSmallIntegerField(_("holdout weeks"), default=0)
    holdout_calibration_end = models.DateField(_("calibration end"), null=True)
    holdout_customers = models.PositiveIntegerField(_("customers in the holdout check"), default=0)
    holdout_expected = models.FloatField(_("expected holdout purchases"), null=True)
    holdout_actual = models.PositiveIntegerField(_("actual holdout purchases"), null=True)
    holdout_reason = models.TextField(_("why no holdout check"), blank=True)

    fit_seconds = models.FloatField(_("fit seconds"), default=0)
    score_seconds = models.FloatField(_("scoring seconds"), default=0)

    class Meta:
        verbose_name = _("predictive model")
        verbose_name_plural = _("predictive models")
        ordering = ["-fitted_at", "-id"]
        get_latest_by = "fitted_at"

    def __str__(self) -> str:
        return gettext("BG/NBD as of %(date)s (%(status)s)") % {
            "date": date_format(self.as_of, "SHORT_DATE_FORMAT"),
            "status": self.get_status_display(),
        }

    @property
    def fitted(self) -> bool:
        return self.status == self.Status.FITTED

    @property
    def has_spend_model(self) -> bool:
        return self.fitted and self.p is not None

    @property
    def holdout_error_pct(self) -> float | None:
        """How far the expected holdout purchases were from the actual: negative = too few."""
        if self.holdout_expected is None or not self.holdout_actual:
            return None
        return 100.0 * (self.holdout_expected - self.holdout_actual) / self.holdout_actual

    @property
    def holdout_off_by_pct(self) -> float | None:
        error = self.holdout_error_pct
        return None if error is None else abs(error)


class CustomerPrediction(models.Model):
    """One buying customer's BTYD history (in weeks from the first purchase) and scores."""

    customer = models.OneToOneField(
        Customer,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="prediction",
        db_constraint=False,
    )
    as_of = models.DateField()
    repeat_purchases = models.IntegerField(_("repeat purchases"))
    btyd_recency_weeks = models.FloatField(
        _("weeks from first to last purchase"),
        help_text=_("BTYD recency; not the recency in days since the last purchase."),
    )
    age_weeks = models.FloatField(_("weeks since the first purchase"))
    repeat_spend_avg = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    p_alive = models.FloatField(null=True)
    expected_purchases_90d = models.FloatField(null=True)
    clv_12m = models.DecimalField(max_digits=16, decimal_places=2, null=True)

    class Meta:
        verbose_name = _("customer prediction")
        verbose_name_plural = _("customer predictions")

    def __str__(self) -> str:
        return f"Prediction of {self.customer_id} as of {self.as_of}"
