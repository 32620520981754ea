"""Benchmark of the predictive model: fit and scoring on CDNOW master and a synthetic book.

Times the numeric part (the database summary has its own share of bench_kpis): the fit
of BG/NBD + Gamma-Gamma (on at most PREDICTIVE_FIT_SAMPLE customers) and the scoring of
every customer, the median of --repeat runs each. The synthetic book is drawn from the
BG/NBD and Gamma-Gamma processes with known parameters, so the fit can be checked too.

    python manage.py bench_predictive --customers 1000000
"""

import datetime as dt
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd
from django.core.management.base import BaseCommand

from customers.kpis import predictive
from customers.models import PredictiveModel

CDNOW_MASTER = (
    Path(__file__).resolve().parents[4] / "shared" / "data" / "cdnow" / "CDNOW_master.txt"
)
CDNOW_AS_OF = dt.date(1998, 6, 30)
SYNTHETIC_AS_OF = dt.date(2026, 11, 26)
TRUE_PURCHASES = {"r": 0.6, "alpha": 8.0, "a": 0.8, "b": 2.5}
TRUE_SPEND = {"p": 6.0, "q": 4.0, "gamma": 30.0}


def cdnow_summary(path: Path, as_of: dt.date) -> pd.DataFrame:
    """The summary read_summary gives, built with pandas from the CDNOW file."""
    raw = pd.read_csv(path, sep=r"\s+", skiprows=1, names=["id", "date", "cds", "value"])
    raw["date"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    days = raw.groupby(["id", "date"], as_index=False)["value"].sum()
    days["number"] = days.groupby("id").cumcount()
    grouped = days.groupby("id")
    first, last = grouped["date"].min(), grouped["date"].max()
    frame = pd.DataFrame(
        {
            "customer_id": first.index,
            "age_days": (pd.Timestamp(as_of) - first).dt.days.to_numpy(),
            "span_days": (last - first).dt.days.to_numpy(),
            "repeat_purchases": (grouped.size() - 1).to_numpy(),
            "repeat_spend": days[days["number"] > 0]
            .groupby("id")["value"]
            .sum()
            .reindex(first.index)
            .to_numpy(),
        }
    )
    return frame


def synthetic_summary(customers: int, seed: int = 7) -> pd.DataFrame:
    """Histories drawn from BG/NBD (purchases) and Gamma-Gamma (spend), first purchases
    spread over three years before the as-of date, in whole days."""
    rng = np.random.default_rng(seed)
    tp, ts = TRUE_PURCHASES, TRUE_SPEND
    rate = rng.gamma(tp["r"], 1 / tp["alpha"], customers)  # purchases per week
    dropout = rng.beta(tp["a"], tp["b"], customers)
    age = rng.integers(0, 3 * 365, customers) / 7.0  # weeks since the first purchase
    clock = np.zeros(customers)
    last = np.zeros(customers)
    repeats = np.zeros(customers, dtype=int)
    active = np.ones(customers, dtype=bool)  # BG/NBD: dropout only after a repeat purchase
    while active.any():
        clock[active] += rng.exponential(1 / rate[active])
        active &= clock <= age
        repeats[active] += 1
        last[active] = clock[active]
        active &= rng.random(customers) >= dropout
    spend_scale = rng.gamma(ts["q"], 1 / ts["gamma"], customers)
    mean_spend = np.where(
        repeats > 0,
        rng.gamma(ts["p"] * np.maximum(repeats, 1), 1.0) / (spend_scale * np.maximum(repeats, 1)),
        0.0,
    )
    age_days = np.floor(age * 7).astype(int)
    return pd.DataFrame(
        {
            "customer_id": np.arange(1, customers + 1),
            "age_days": age_days,
            "span_days": np.minimum(np.floor(last * 7).astype(int), age_days),
            "repeat_purchases": repeats,
            "repeat_spend": np.round(mean_spend * repeats, 2),
        }
    )


class Command(BaseCommand):
    help = "Time the predictive model's fit and scoring on CDNOW master and synthetic data."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=1_000_000)
        parser.add_argument("--repeat", type=int, default=3, help="Runs of each timing (median).")
        parser.add_argument("--cdnow", type=Path, default=CDNOW_MASTER)

    def handle(self, *args, customers, repeat, cdnow, **options):
        if cdnow.exists():
            self.bench("CDNOW master", cdnow_summary(cdnow, CDNOW_AS_OF), CDNOW_AS_OF, repeat)
        else:
            self.stdout.write(f"CDNOW master not found at {cdnow}: skipped")
        started = time.perf_counter()
        frame = synthetic_summary(customers)
        self.stdout.write(
            f"drew {customers} synthetic histories in {time.perf_counter() - started:.1f} s"
        )
        model = self.bench(f"synthetic {customers}", frame, SYNTHETIC_AS_OF, repeat)
        if model.fitted:
            fitted = {name: getattr(model, name) for name in [*TRUE_PURCHASES, *TRUE_SPEND]}
            truth = TRUE_PURCHASES | TRUE_SPEND
            self.stdout.write(
                "  parameters, fitted (drawn with): "
                + ", ".join(f"{k} {fitted[k]:.3f} ({truth[k]})" for k in truth)
            )

    def bench(self, name: str, frame: pd.DataFrame, as_of: dt.date, repeat: int) -> PredictiveModel:
        fit_times, score_times = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            model = predictive.fit_model(frame, as_of, holdout_weeks=0)
            fit_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            scored = predictive.score(model, frame, as_of)
            score_times.append(time.perf_counter() - started)
        outputs = scored[["p_alive", "expected_purchases_90d", "clv_12m"]].to_numpy(dtype=float)
        buyers_with_repeat = scored["repeat_purchases"] > 0
        non_finite = int(
            (~np.isfinite(outputs[:, 1:])).sum()
            + (~np.isfinite(outputs[buyers_with_repeat.to_numpy(), 0])).sum()
        )
        write = self.stdout.write
        write(f"{name}: {len(frame)} customers, {model.repeat_customers} repeat customers")
        write(f"  status: {model.get_status_display()} {model.reason}".rstrip())
        write(
            f"  fit ({model.fit_customers} customers, BG/NBD + Gamma-Gamma): median "
            f"{statistics.median(fit_times):.2f} s of {repeat}"
        )
        write(
            f"  scoring {len(frame)} customers (p_alive, expected purchases 90 days, CLV 12 "
            f"months): median {statistics.median(score_times):.2f} s of {repeat}"
        )
        write(f"  non-finite outputs: {non_finite}")
        if model.fitted:
            purchases, value = np.nansum(outputs[:, 1]), np.nansum(outputs[:, 2])
            write(
                f"  log-likelihood {model.log_likelihood:.2f}; expected purchases in 90 days, "
                f"sum {purchases:,.0f}; CLV 12 months, sum {value:,.0f}"
            )
        return model
