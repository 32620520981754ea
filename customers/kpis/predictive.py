"""Predictive value of every buying customer: BG/NBD + Gamma-Gamma, fitted each full run.

The database summarises each customer's purchase days in one GROUP BY (purchases on one
day count once, as in the papers); numpy fits the models on those summaries (a random
sample on large books) and scores every buyer at once; the scores land in
CustomerPrediction, which the KPI engine joins into CustomerKPI.

- p_alive: P(still active), left empty for customers without a repeat purchase: BG/NBD
  says 1 for them by construction (it lets customers drop out only after a purchase),
  which would show every one-time buyer as certainly active.
- expected_purchases_90d: expected purchase days in the next 90 days.
- clv_12m: expected spend of the next 12 months, discounted monthly.

A holdout check refits the model on the history up to as_of minus the holdout weeks and
compares its forecast of those weeks with what customers actually bought.
"""

import datetime as dt
import io
import time
from collections.abc import Sequence

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from customers.choices import PURCHASE_KINDS
from customers.kpis import btyd
from customers.kpis.sql import (
    date_param,
    days_between,
    distinct,
    id_in,
    ids_param,
    insert_frame,
    on_connections,
)
from customers.models import CustomerPrediction, PredictiveModel

PREDICTION_TABLE = CustomerPrediction._meta.db_table
PURCHASE = ", ".join(f"'{kind}'" for kind in PURCHASE_KINDS)
SUMMARY_CONNECTIONS = 2
HORIZON_90D_WEEKS = 90 / btyd.WEEK_DAYS
SUMMARY_COLUMNS = [
    "customer_id",
    "age_days",
    "span_days",
    "repeat_purchases",
    "repeat_spend",
    "cal_age_days",
    "cal_span_days",
    "cal_repeat_purchases",
    "cal_repeat_spend",
    "holdout_purchases",
]


def summary_sql(customer_filter: str = "TRUE") -> str:
    """Per buying customer: the history up to as_of and up to the calibration end cal_end
    (days since the first purchase, first to last purchase, repeat purchase days and
    their spend) and the purchase days after cal_end.

    Purchases on one day count once: a row starts a purchase day when the customer's
    previous purchase was on an earlier day. One window over the index order finds that
    and the first purchase day, where grouping by day first and numbering the days took
    a sort-free pass more (a seventh slower at a million customers)."""
    as_of, cal_end = date_param("as_of"), date_param("cal_end")
    calibrated = f"occurred_on <= {cal_end}"
    new_day = distinct("occurred_on", "previous_on")
    return f"""
        SELECT customer_id,
            {days_between(as_of, "MIN(occurred_on)")} AS age_days,
            {days_between("MAX(occurred_on)", "MIN(occurred_on)")} AS span_days,
            COUNT(*) FILTER (WHERE {new_day}) - 1 AS repeat_purchases,
            SUM(amount) FILTER (WHERE occurred_on > first_on) AS repeat_spend,
            {days_between(cal_end, "MIN(occurred_on)")} AS cal_age_days,
            {days_between(f"MAX(occurred_on) FILTER (WHERE {calibrated})", "MIN(occurred_on)")}
                AS cal_span_days,
            COUNT(*) FILTER (WHERE {new_day} AND {calibrated}) - 1 AS cal_repeat_purchases,
            SUM(amount) FILTER (WHERE occurred_on > first_on AND {calibrated})
                AS cal_repeat_spend,
            COUNT(*) FILTER (WHERE {new_day} AND occurred_on > {cal_end}) AS holdout_purchases
        FROM (
            SELECT customer_id, occurred_on, amount,
                LAG(occurred_on) OVER purchases AS previous_on,
                MIN(occurred_on) OVER purchases AS first_on
            FROM customers_transaction
            WHERE kind IN ({PURCHASE}) AND occurred_on <= {as_of} AND {customer_filter}
            WINDOW purchases AS (PARTITION BY customer_id ORDER BY occurred_on)
        ) purchases
        GROUP BY customer_id
    """


def read_summary(
    as_of: dt.date,
    holdout_weeks: int = 0,
    customer_ids: Sequence[int] | None = None,
    id_range: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """One row per buying customer (see summary_sql), of all, the given ones, or those
    with first <= id <= last."""
    ops = connection.ops
    cal_end = as_of - dt.timedelta(weeks=holdout_weeks)
    params: dict[str, object] = {
        "as_of": ops.adapt_datefield_value(as_of),
        "cal_end": ops.adapt_datefield_value(cal_end),
    }
    customer_filter = "TRUE"
    if customer_ids is not None:
        customer_filter = id_in("customer_id", "ids")
        params["ids"] = ids_param(customer_ids)
    elif id_range is not None:
        customer_filter = "customer_id BETWEEN %(first_id)s AND %(last_id)s"
        params["first_id"], params["last_id"] = id_range
    sql = summary_sql(customer_filter)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            query = cursor.cursor.mogrify(sql, params).decode()
            cursor.cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", buffer)
            buffer.seek(0)
            if buffer.getvalue():
                frame = pd.read_csv(buffer, names=SUMMARY_COLUMNS, header=None)
            else:  # no buyer in range: read_csv refuses an empty text
                frame = pd.DataFrame(columns=SUMMARY_COLUMNS)
        else:
            cursor.execute(sql, params)
            frame = pd.DataFrame.from_records(cursor.fetchall(), columns=SUMMARY_COLUMNS)
    for column in ("repeat_spend", "cal_repeat_spend"):
        frame[column] = frame[column].astype(float)
    return frame


# --- fitting ----------------------------------------------------------------------------


def _weeks(days: pd.Series) -> np.ndarray:
    return days.to_numpy(dtype=float) / btyd.WEEK_DAYS


def _fit_sample(frame: pd.DataFrame, seed: int, limit: int | None = None) -> pd.DataFrame:
    """At most PREDICTIVE_FIT_SAMPLE customers: parameters of tens of thousands of
    histories are as good as those of millions, at a fraction of the time."""
    limit = limit or settings.PREDICTIVE_FIT_SAMPLE
    if len(frame) <= limit:
        return frame
    return frame.sample(n=limit, random_state=seed)


def _repeat_spend_avg(spend: pd.Series, purchases: pd.Series) -> np.ndarray:
    x = purchases.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > 0, spend.fillna(0).to_numpy(dtype=float) / x, 0.0)


def fit_purchases(x, t_x, T) -> tuple[btyd.Fit, str]:
    """The BG/NBD fit with the data-sufficiency guard: (fit, why not) ."""
    repeaters = int(np.count_nonzero(np.asarray(x) > 0))
    needed = settings.PREDICTIVE_MIN_REPEAT_CUSTOMERS
    if repeaters < needed:
        reason = _(
            "Only %(repeaters)s customers bought more than once; the model needs at least "
            "%(needed)s to tell a pattern from noise."
        ) % {"repeaters": repeaters, "needed": needed}
        return btyd.Fit(None, None, len(x)), reason
    fit = btyd.fit_bgnbd(x, t_x, T)
    if not fit.converged:
        return fit, _("The purchase model did not converge (%(problem)s).") % {
            "problem": fit.problem
        }
    return fit, ""


def fit_spend(x, m) -> tuple[btyd.Fit, int, str]:
    """Gamma-Gamma over repeat customers whose repeat purchases are worth something:
    (fit, customers left out for a zero repeat spend, why not)."""
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    repeaters = x > 0
    usable = repeaters & (m > 0)
    zero_excluded = int(np.count_nonzero(repeaters & ~usable))
    fit = btyd.fit_gamma_gamma(x[usable], m[usable])
    if not fit.converged:
        return (
            fit,
            zero_excluded,
            _("The spend model did not converge (%(problem)s).") % {"problem": fit.problem},
        )
    return fit, zero_excluded, ""


def _holdout_check(model: PredictiveModel, frame: pd.DataFrame, weeks: int, seed: int) -> None:
    """Fit on the history before the last ``weeks`` and compare its forecast of those
    weeks with the purchases made in them, over the customers who had bought by then."""
    model.holdout_weeks = weeks
    model.holdout_calibration_end = model.as_of - dt.timedelta(weeks=weeks)
    calibration = frame[frame["cal_age_days"] >= 0]
    model.holdout_customers = len(calibration)
    sample = _fit_sample(calibration, seed, settings.PREDICTIVE_HOLDOUT_SAMPLE)
    x = sample["cal_repeat_purchases"].to_numpy(dtype=float)
    fit, reason = fit_purchases(x, _weeks(sample["cal_span_days"]), _weeks(sample["cal_age_days"]))
    if not fit.converged:
        model.holdout_reason = reason
        return
    expected = btyd.expected_purchases(
        fit.params,
        float(weeks),
        calibration["cal_repeat_purchases"].to_numpy(dtype=float),
        _weeks(calibration["cal_span_days"]),
        _weeks(calibration["cal_age_days"]),
    )
    total = float(np.sum(expected))
    if not np.isfinite(total):
        # Parameters at a corner of their range (a book where nobody drops out) can make
        # the forecast of some histories undefined: no comparison rather than "nan".
        model.holdout_reason = _(
            "The model fitted on the earlier history gives no finite forecast for the "
            "holdout weeks."
        )
        return
    model.holdout_expected = total
    model.holdout_actual = int(calibration["holdout_purchases"].sum())


def fit_model(frame: pd.DataFrame, as_of: dt.date, holdout_weeks: int) -> PredictiveModel:
    """Fit both models on the summary; the returned (unsaved) model says what came out."""
    started = time.perf_counter()
    seed = as_of.toordinal()
    model = PredictiveModel(as_of=as_of, customers=len(frame))
    model.repeat_customers = int(np.count_nonzero(frame["repeat_purchases"] > 0))
    sample = _fit_sample(frame, seed)
    model.fit_customers = len(sample)
    x = sample["repeat_purchases"].to_numpy(dtype=float)
    fit, reason = fit_purchases(x, _weeks(sample["span_days"]), _weeks(sample["age_days"]))
    if not fit.converged:
        model.status = (
            PredictiveModel.Status.FAILED if fit.problem else PredictiveModel.Status.INSUFFICIENT
        )
        model.reason = reason
    else:
        model.status = PredictiveModel.Status.FITTED
        params = fit.params
        model.r, model.alpha, model.a, model.b = params.r, params.alpha, params.a, params.b
        model.log_likelihood = fit.log_likelihood
        m = _repeat_spend_avg(sample["repeat_spend"], sample["repeat_purchases"])
        spend, model.spend_zero_excluded, model.spend_reason = fit_spend(x, m)
        model.spend_customers = spend.customers
        if spend.converged:
            model.p, model.q, model.gamma = spend.params.p, spend.params.q, spend.params.gamma
            model.spend_log_likelihood = spend.log_likelihood
        if holdout_weeks:
            _holdout_check(model, frame, holdout_weeks, seed)
    model.fit_seconds = time.perf_counter() - started
    return model


# --- scoring ----------------------------------------------------------------------------


def score(model: PredictiveModel, frame: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """CustomerPrediction columns as of ``as_of`` for every row of the summary, with the
    fitted parameters of ``model`` (which may be an earlier night's), vectorised."""
    x = frame["repeat_purchases"].to_numpy(dtype=float)
    t_x, T = _weeks(frame["span_days"]), _weeks(frame["age_days"])
    m = _repeat_spend_avg(frame["repeat_spend"], frame["repeat_purchases"])
    scored = pd.DataFrame(
        {
            "customer_id": frame["customer_id"].to_numpy(),
            "as_of": as_of.isoformat(),
            "repeat_purchases": frame["repeat_purchases"].to_numpy(dtype=int),
            "btyd_recency_weeks": t_x.round(4),
            "age_weeks": T.round(4),
            "repeat_spend_avg": np.where(x > 0, m.round(2), np.nan),
        }
    )
    if model.fitted:
        purchases = btyd.BGNBD(model.r, model.alpha, model.a, model.b)
        p_alive = btyd.p_alive(purchases, x, t_x, T)
        scored["p_alive"] = np.where(x > 0, p_alive.round(6), np.nan)
        scored["expected_purchases_90d"] = btyd.expected_purchases(
            purchases, HORIZON_90D_WEEKS, x, t_x, T, p_alive
        ).round(4)
        if model.has_spend_model:
            scored["clv_12m"] = btyd.customer_lifetime_value(
                purchases,
                btyd.GammaGamma(model.p, model.q, model.gamma),
                x,
                t_x,
                T,
                m,
                months=12,
                monthly_discount_rate=settings.PREDICTIVE_CLV_MONTHLY_DISCOUNT_PERCENT / 100,
            ).round(2)
    for column in ("p_alive", "expected_purchases_90d", "clv_12m"):
        if column not in scored:
            scored[column] = np.nan
        # Guard the database against what a numeric corner could give.
        scored.loc[~np.isfinite(scored[column]), column] = np.nan
    return scored


PREDICTION_COLUMNS = [
    "customer_id",
    "as_of",
    "repeat_purchases",
    "btyd_recency_weeks",
    "age_weeks",
    "repeat_spend_avg",
    "p_alive",
    "expected_purchases_90d",
    "clv_12m",
]


def _write(scored: pd.DataFrame, replace_ids: Sequence[int] | None) -> None:
    """Replace every prediction (replace_ids None) or those of the given customers."""
    with connection.cursor() as cursor:
        if replace_ids is None:
            cursor.execute(
                f"TRUNCATE {PREDICTION_TABLE}"
                if connection.vendor == "postgresql"
                else f"DELETE FROM {PREDICTION_TABLE}"
            )
        else:
            cursor.execute(
                f"DELETE FROM {PREDICTION_TABLE} WHERE {id_in('customer_id', 'ids')}",
                {"ids": ids_param(replace_ids)},
            )
        if scored.empty:
            return
        insert_frame(cursor, PREDICTION_TABLE, scored[PREDICTION_COLUMNS])


def read_book_summary(
    as_of: dt.date, holdout_weeks: int, ranges: list[tuple[int, int]]
) -> pd.DataFrame:
    """The whole book's summary; on PostgreSQL the id ranges are read on two connections
    at once (the GROUP BY over every transaction is most of the predictive step)."""
    if connection.vendor != "postgresql" or len(ranges) < 2:
        return read_summary(as_of, holdout_weeks)
    parts = on_connections(
        lambda id_range: read_summary(as_of, holdout_weeks, id_range=id_range),
        ranges,
        SUMMARY_CONNECTIONS,
    )
    return pd.concat(parts, ignore_index=True)


def refresh(as_of: dt.date, ranges: list[tuple[int, int]] | None = None) -> PredictiveModel:
    """Fit on the whole book's history up to ``as_of`` and score every buyer (a full run's
    first step; ``ranges``: the run's chunks of customer ids). Without a usable fit the
    predictions are empty, and the model row says why."""
    frame = read_book_summary(as_of, settings.PREDICTIVE_HOLDOUT_WEEKS, ranges or [])
    model = fit_model(frame, as_of, settings.PREDICTIVE_HOLDOUT_WEEKS)
    started = time.perf_counter()
    scored = score(model, frame, as_of)
    model.score_seconds = time.perf_counter() - started
    with transaction.atomic():
        _write(scored, replace_ids=None)
        model.save()
    return model


def latest_model() -> PredictiveModel | None:
    return PredictiveModel.objects.order_by("-fitted_at", "-id").first()


def score_customers(customer_ids: Sequence[int], as_of: dt.date) -> int:
    """Rescore the given customers with the latest model (the incremental path)."""
    model = latest_model()
    if model is None or not customer_ids:
        return 0
    frame = read_summary(as_of, customer_ids=customer_ids)
    scored = score(model, frame, as_of)
    _write(scored, replace_ids=customer_ids)
    return len(scored)


def value_class_basis() -> str:
    """The KPI column value classes cut: predicted CLV when chosen and available."""
    if settings.KPI_VALUE_CLASS_BASIS == "clv_12m":
        model = latest_model()
        if model is not None and model.has_spend_model:
            return "clv_12m"
    return "revenue_12m"


def p_alive_explanation(
    prediction: CustomerPrediction | None, model: PredictiveModel | None
) -> str:
    """One plain sentence on the record: how likely the customer still buys, and why."""
    if prediction is None:
        if model is not None and not model.fitted:
            return _("No prediction: %(reason)s") % {"reason": model.reason}
        return ""
    if prediction.repeat_purchases == 0:
        return _(
            "Bought once so far: the model cannot yet tell whether this customer is still "
            "active, so it shows no probability."
        )
    if prediction.p_alive is None:
        return ""
    span = round(prediction.btyd_recency_weeks)
    silent = round(max(prediction.age_weeks - prediction.btyd_recency_weeks, 0))
    since = (
        _("the last time this week")
        if silent == 0
        else ngettext("and not in the week since", "and not in the %(silent)s weeks since", silent)
        % {"silent": silent}
    )
    return ngettext(
        "%(percent)s %% likely still active: bought again on %(repeats)s day within "
        "%(span)s of the first purchase, %(since)s.",
        "%(percent)s %% likely still active: bought again on %(repeats)s days within "
        "%(span)s of the first purchase, %(since)s.",
        prediction.repeat_purchases,
    ) % {
        "percent": round(100 * prediction.p_alive),
        "repeats": prediction.repeat_purchases,
        "span": ngettext("%(weeks)s week", "%(weeks)s weeks", span) % {"weeks": span},
        "since": since,
    }
