"""Predictive value (BG/NBD + Gamma-Gamma) against the published CDNOW results.

Published values, CDNOW sample of 2,357 customers, 39-week calibration to 1997-09-30:
- BG/NBD: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, log-likelihood -9582.4.
  Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting Your Customers" the Easy
  Way: An Alternative to the Pareto/NBD Model. Marketing Science 24(2), 275-284, section 5.
  (CLVTools' correctness test: r 0.2425945, alpha 4.4136019, a 0.7929199, b 2.4258881,
  LL -9582.429.)
- Gamma-Gamma: p = 6.25, q = 3.74, gamma = 15.44, log-likelihood -4055.92 over the 946
  repeat buyers' average repeat spend. Fader, P. S. & Hardie, B. G. S. (2013). The
  Gamma-Gamma Model of Monetary Value. http://www.brucehardie.com/notes/025/
- Holdout (weeks 40-78): 1,882 actual repeat purchases; BG/NBD's conditional expectation
  sums to about 1,653 (it under-forecasts this data by about 12%).
"""

import datetime as dt
import io
from decimal import Decimal

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import translation

from alerts.models import Alert
from cockpit.portfolio import take_portfolio
from customers.kpis import btyd, predictive, runs
from customers.management.commands.bench_predictive import cdnow_summary
from customers.models import CustomerKPI, CustomerPrediction, PredictiveModel
from tests.conftest import logged_in
from tests.customers.test_cdnow import CDNOW
from tests.factories import CustomerFactory, TransactionFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(1998, 6, 30)
HOLDOUT_WEEKS = 39


def within(value: float, published: float, share: float = 0.005) -> bool:
    return abs(value - published) <= share * abs(published)


@pytest.fixture
def cdnow_sample(settings):
    path = CDNOW / "CDNOW_sample.txt"
    if not path.exists():
        pytest.skip(f"CDNOW data not found at {path} (../shared/data/cdnow, or set CDNOW_DIR)")
    call_command(
        "import_transactions", path, format="cdnow", no_recompute=True, stdout=io.StringIO()
    )
    settings.PREDICTIVE_HOLDOUT_WEEKS = HOLDOUT_WEEKS
    return path


def test_cdnow_sample_summary_and_fit_match_the_papers(cdnow_sample):
    frame = predictive.read_summary(AS_OF, HOLDOUT_WEEKS)
    assert len(frame) == 2357
    assert frame["cal_repeat_purchases"].sum() == 2457
    assert (frame["cal_repeat_purchases"] > 0).sum() == 946
    assert frame["holdout_purchases"].sum() == 1882

    x = frame["cal_repeat_purchases"].to_numpy(dtype=float)
    t_x = frame["cal_span_days"].to_numpy(dtype=float) / 7
    T = frame["cal_age_days"].to_numpy(dtype=float) / 7
    fit, reason = predictive.fit_purchases(x, t_x, T)
    assert reason == ""
    assert fit.log_likelihood == pytest.approx(-9582.43, abs=0.01)
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert within(getattr(fit.params, name), value), (name, getattr(fit.params, name))

    m = np.where(x > 0, frame["cal_repeat_spend"].fillna(0).to_numpy() / np.maximum(x, 1), 0)
    spend, zero_excluded, reason = predictive.fit_spend(x, m)
    assert (spend.customers, zero_excluded, reason) == (946, 0, "")
    assert spend.log_likelihood == pytest.approx(-4055.92, abs=0.01)
    for name, value in {"p": 6.25, "q": 3.74, "gamma": 15.44}.items():
        assert within(getattr(spend.params, name), value), (name, getattr(spend.params, name))

    expected = btyd.expected_purchases(fit.params, HOLDOUT_WEEKS, x, t_x, T).sum()
    assert expected == pytest.approx(1653.4, abs=0.5)  # 12.1% under the 1,882 bought


def test_full_run_fits_scores_and_reports_the_holdout_check(cdnow_sample):
    call_command("recompute_kpis", as_of=AS_OF, stdout=io.StringIO())

    model = PredictiveModel.objects.get()
    assert model.status == PredictiveModel.Status.FITTED
    assert (model.customers, model.fit_customers) == (2357, 2357)
    assert model.holdout_calibration_end == dt.date(1997, 9, 30)
    assert model.holdout_customers == 2357
    assert model.holdout_actual == 1882
    assert model.holdout_expected == pytest.approx(1653.4, abs=0.5)
    assert round(model.holdout_error_pct, 1) == -12.1
    assert model.p is not None and model.log_likelihood < 0

    kpis = CustomerKPI.objects.all()
    one_timers = kpis.filter(frequency=1)
    assert one_timers.count() == 1205
    # BG/NBD would say 1.0 for them: left empty instead of "certainly active".
    assert not one_timers.exclude(p_alive=None).exists()
    assert one_timers.filter(expected_purchases_90d__gt=0, clv_12m__gt=0).count() == 1205
    repeaters = kpis.exclude(p_alive=None)
    assert repeaters.count() == CustomerPrediction.objects.filter(repeat_purchases__gt=0).count()
    assert repeaters.filter(p_alive__gte=0, p_alive__lte=1).count() == repeaters.count()
    assert not kpis.filter(clv_12m=None).exists()

    # Rerunning changes nothing: the same fit and the same scores.
    before = list(kpis.order_by("pk").values_list("p_alive", "clv_12m"))
    call_command("recompute_kpis", as_of=AS_OF, stdout=io.StringIO())
    assert list(kpis.order_by("pk").values_list("p_alive", "clv_12m")) == before


def test_a_new_purchase_rescores_the_customer_with_the_last_model(cdnow_sample):
    call_command("recompute_kpis", as_of=AS_OF, stdout=io.StringIO())
    kpi = CustomerKPI.objects.filter(frequency=1).select_related("customer").first()
    assert kpi.p_alive is None
    TransactionFactory(customer=kpi.customer, occurred_on=AS_OF, amount=Decimal("30.00"))
    runs.recompute_customers([kpi.customer_id], AS_OF)
    kpi.refresh_from_db()
    assert kpi.frequency == 2
    assert 0 < kpi.p_alive <= 1
    assert kpi.customer.prediction.repeat_purchases == 1


def test_zero_value_repeat_purchases_stay_out_of_the_spend_fit(cdnow_sample):
    customer = CustomerFactory()
    for day in (dt.date(1997, 2, 1), dt.date(1997, 3, 1), dt.date(1997, 4, 1)):
        amount = Decimal("12.00") if day.month == 2 else Decimal("0.00")
        TransactionFactory(customer=customer, occurred_on=day, amount=amount)
    call_command("recompute_kpis", as_of=AS_OF, stdout=io.StringIO())
    model = PredictiveModel.objects.get()
    assert model.spend_zero_excluded == 1
    assert model.spend_customers == model.repeat_customers - 1
    kpi = CustomerKPI.objects.get(customer=customer)
    assert kpi.clv_12m is not None and np.isfinite(float(kpi.clv_12m))


def test_too_few_repeat_customers_leave_the_predictions_empty_and_say_why(settings):
    settings.PREDICTIVE_MIN_REPEAT_CUSTOMERS = 400
    for index in range(3):
        customer = CustomerFactory()
        TransactionFactory(customer=customer, occurred_on=dt.date(2026, 1, 5 + index))
        TransactionFactory(customer=customer, occurred_on=dt.date(2026, 6, 5 + index))
    call_command("recompute_kpis", as_of=dt.date(2026, 11, 26), stdout=io.StringIO())
    model = PredictiveModel.objects.get()
    assert model.status == PredictiveModel.Status.INSUFFICIENT
    assert model.reason == (
        "Only 3 customers bought more than once; the model needs at least 400 to tell a "
        "pattern from noise."
    )
    assert CustomerKPI.objects.count() == 3
    assert not CustomerKPI.objects.exclude(p_alive=None, clv_12m=None).exists()


def test_value_class_can_follow_the_predicted_value(cdnow_sample, settings):
    settings.KPI_VALUE_CLASS_BASIS = "clv_12m"
    call_command("recompute_kpis", as_of=AS_OF, stdout=io.StringIO())
    kpis = CustomerKPI.objects.all()
    total = sum(kpis.values_list("clv_12m", flat=True))
    a_share = sum(kpis.filter(value_class="A").values_list("clv_12m", flat=True)) / total
    lowest_a = min(kpis.filter(value_class="A").values_list("clv_12m", flat=True))
    highest_b = max(kpis.filter(value_class="B").values_list("clv_12m", flat=True))
    assert Decimal("0.80") <= a_share < Decimal("0.81")
    assert lowest_a >= highest_b


def test_scores_stay_finite_on_extreme_histories():
    params = btyd.BGNBD(0.243, 4.414, 0.793, 2.426)
    spend = btyd.GammaGamma(6.25, 3.74, 15.44)
    x = np.array([0, 1, 50, 400, 2000, 5000], dtype=float)
    t_x = np.array([0, 0.1, 300, 500, 520, 520], dtype=float)
    T = np.array([0.1, 520, 520, 520, 520, 520], dtype=float)
    m = np.array([0, 1e-3, 40, 1e4, 5, 5], dtype=float)
    for values in (
        btyd.p_alive(params, x, t_x, T),
        btyd.expected_purchases(params, 90 / 7, x, t_x, T),
        btyd.customer_lifetime_value(params, spend, x, t_x, T, m),
    ):
        assert np.isfinite(values).all(), values


def test_a_holdout_forecast_that_is_not_finite_is_reported_not_stored(cdnow_sample, monkeypatch):
    frame = predictive.read_summary(AS_OF, HOLDOUT_WEEKS)
    monkeypatch.setattr(
        btyd, "expected_purchases", lambda params, t, x, *rest: np.full(len(x), np.nan)
    )
    model = predictive.fit_model(frame, AS_OF, HOLDOUT_WEEKS)
    assert model.status == PredictiveModel.Status.FITTED
    assert (model.holdout_expected, model.holdout_actual) == (None, None)
    assert model.holdout_reason == (
        "The model fitted on the earlier history gives no finite forecast for the holdout weeks."
    )


def test_admins_read_the_fit_and_how_far_the_holdout_forecast_was_off(
    cdnow_sample, admin_user, manager
):
    call_command("recompute_kpis", as_of=AS_OF, stdout=io.StringIO())
    assert logged_in(manager).get("/kpis/model/").status_code == 403

    client = logged_in(admin_user)
    page = client.get("/kpis/model/").content.decode()
    assert "Fitted on the purchases up to 1997-09-30, the model forecast 1,653 repeat " in page
    assert "purchases for the 39 weeks after; customers made 1,882." in page
    assert "The forecast was 12.1 % too low." in page
    assert "Repeat customers</dt><dd>1,139</dd>" in page

    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    page = client.get("/kpis/model/").content.decode()
    assert "Die Prognose lag um 12,1 % zu niedrig." in page


def test_the_record_explains_p_alive_in_one_sentence(cdnow_sample, admin_user):
    call_command("recompute_kpis", as_of=AS_OF, stdout=io.StringIO())
    client = logged_in(admin_user)
    repeater = CustomerPrediction.objects.filter(repeat_purchases=3).order_by("pk").first()
    page = client.get(f"/customers/{repeater.customer.number}/").content.decode()
    percent = round(100 * repeater.p_alive)
    span, silent = (
        round(repeater.btyd_recency_weeks),
        round(repeater.age_weeks - repeater.btyd_recency_weeks),
    )
    assert (
        f"{percent} % likely still active: bought again on 3 days within {span} weeks of the "
        f"first purchase, and not in the {silent} weeks since."
    ) in page

    one_timer = CustomerPrediction.objects.filter(repeat_purchases=0).order_by("pk").first()
    page = client.get(f"/customers/{one_timer.customer.number}/").content.decode()
    assert "Bought once so far: the model cannot yet tell whether this customer" in page


def test_the_cockpit_shows_expected_revenue_by_value_class(cdnow_sample, manager):
    call_command("recompute_kpis", as_of=AS_OF, stdout=io.StringIO())
    take_portfolio(AS_OF)
    page = logged_in(manager).get("/cockpit/").content.decode()
    for value_class in "ABC":
        expected = sum(
            CustomerKPI.objects.filter(value_class=value_class).values_list("clv_12m", flat=True)
        )
        assert f"data-expected>{round(expected):,}</td>" in page, value_class


def test_a_top_customer_probably_gone_turns_red(cdnow_sample, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("recompute_kpis", as_of=AS_OF, stdout=io.StringIO())
    gone = CustomerKPI.objects.filter(value_class="A", p_alive__lt=0.25).exclude(
        lifecycle_phase__in=["terminated", "prospect"]
    )
    probably_gone = Alert.objects.filter(rule__kpi="p_alive")
    assert gone.count() > 0
    assert set(probably_gone.filter(level="red").values_list("customer_id", flat=True)) == set(
        gone.values_list("customer_id", flat=True)
    )


def test_the_cdnow_master_zero_value_repeat_buyer_does_not_break_the_spend_fit():
    path = CDNOW / "CDNOW_master.txt"
    if not path.exists():
        pytest.skip(f"CDNOW data not found at {path}")
    model = predictive.fit_model(cdnow_summary(path, AS_OF), AS_OF, holdout_weeks=0)
    assert model.status == PredictiveModel.Status.FITTED
    assert (model.customers, model.repeat_customers) == (23570, 11516)
    assert (model.spend_customers, model.spend_zero_excluded) == (11515, 1)
    assert model.q > 1 and model.log_likelihood == pytest.approx(-173425.92, abs=0.01)


def test_a_book_without_purchases_runs_and_says_why_there_is_no_model():
    CustomerFactory()
    call_command("recompute_kpis", as_of=dt.date(2026, 11, 26), stdout=io.StringIO())
    model = PredictiveModel.objects.get()
    assert (model.status, model.customers, model.repeat_customers) == ("insufficient", 0, 0)
    assert CustomerKPI.objects.get().p_alive is None


@pytest.mark.parametrize(
    ("language", "age_weeks", "expected"),
    [
        ("en", 2.0, "80 % likely still active: bought again on 1 day within 1 week of the first "
                    "purchase, and not in the week since."),
        ("en", 1.2, "80 % likely still active: bought again on 1 day within 1 week of the first "
                    "purchase, the last time this week."),
        ("de", 2.0, "Mit 80 % Wahrscheinlichkeit noch aktiv: kaufte an 1 weiteren Tag innerhalb "
                    "von 1 Woche nach dem ersten Kauf und in der Woche seither nicht mehr."),
        ("de", 1.2, "Mit 80 % Wahrscheinlichkeit noch aktiv: kaufte an 1 weiteren Tag innerhalb "
                    "von 1 Woche nach dem ersten Kauf, zuletzt in dieser Woche."),
        ("de", 5.0, "Mit 80 % Wahrscheinlichkeit noch aktiv: kaufte an 1 weiteren Tag innerhalb "
                    "von 1 Woche nach dem ersten Kauf und in den 4 Wochen seither nicht mehr."),
    ],
)  # fmt: skip
def test_the_p_alive_sentence_counts_weeks_in_words_that_agree(language, age_weeks, expected):
    prediction = CustomerPrediction(
        repeat_purchases=1, btyd_recency_weeks=1.0, age_weeks=age_weeks, p_alive=0.8
    )
    with translation.override(language):
        assert predictive.p_alive_explanation(prediction, None) == expected
