"""The admin's page on the predictive model: what the last fits rest on and how well the
last one forecast a period it had not seen."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cockpit.roles import admin_only
from customers.models import PredictiveModel


@admin_only
def predictive_model(request: HttpRequest) -> HttpResponse:
    fits = list(PredictiveModel.objects.order_by("-fitted_at", "-id")[:10])
    context = {
        "model": fits[0] if fits else None,
        "fits": fits,
        "min_repeat_customers": settings.PREDICTIVE_MIN_REPEAT_CUSTOMERS,
        "fit_sample": settings.PREDICTIVE_FIT_SAMPLE,
        "holdout_weeks": settings.PREDICTIVE_HOLDOUT_WEEKS,
        "discount_percent": settings.PREDICTIVE_CLV_MONTHLY_DISCOUNT_PERCENT,
        "a_percent": settings.KPI_VALUE_CLASS_A_PERCENT,
        "b_percent": settings.KPI_VALUE_CLASS_B_PERCENT,
        "value_class_by_clv": settings.KPI_VALUE_CLASS_BASIS == "clv_12m",
    }
    return render(request, "customers/predictive_model.html", context)
