"""Buy-till-you-die models: BG/NBD for purchases, Gamma-Gamma for spend.

Plain numpy/scipy over arrays with one entry per customer; nothing here knows Django.

- BG/NBD: Fader, Hardie & Lee (2005), "Counting Your Customers" the Easy Way: An
  Alternative to the Pareto/NBD Model. Marketing Science 24(2), 275-284. Likelihood
  eq. (6), P(alive) eq. (13), conditional expectation eq. (10).
- Gamma-Gamma: Fader & Hardie (2013), The Gamma-Gamma Model of Monetary Value,
  http://www.brucehardie.com/notes/025/ (also Fader, Hardie & Lee 2005, JMR 42(4)).

A customer's history is (x, t_x, T): x repeat purchases (purchase days after the first),
t_x the time from the first to the last purchase ("BTYD recency"; not the RFM recency
days, which count from the last purchase to today) and T the time from the first purchase
to the end of the observation, both in weeks. Parameters are fitted by maximum likelihood
on their logarithms, so the optimiser cannot leave the positive half-line.
"""

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

WEEK_DAYS = 7.0
MONTH_WEEKS = 365.25 / 12 / WEEK_DAYS


@dataclass(frozen=True)
class BGNBD:
    r: float
    alpha: float
    a: float
    b: float


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    gamma: float


@dataclass(frozen=True)
class Fit:
    """What an optimiser run gives: parameters (None unless converged), the summed
    log-likelihood and, when it failed, why."""

    params: BGNBD | GammaGamma | None
    log_likelihood: float | None
    customers: int
    problem: str = ""

    @property
    def converged(self) -> bool:
        return self.params is not None


def _arrays(*values) -> list[np.ndarray]:
    return [np.asarray(value, dtype=float) for value in values]


# --- BG/NBD -----------------------------------------------------------------------------


def bgnbd_log_likelihood(params: BGNBD, x, t_x, T) -> np.ndarray:
    """Each customer's log-likelihood, FHL (2005) eq. (6)."""
    x, t_x, T = _arrays(x, t_x, T)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.betaln(a, b + x) - special.betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(
            x > 0,
            np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
    return a1 + a2 + np.logaddexp(a3, a4)


# Log-parameters stay within e^-12 .. e^12: where the likelihood keeps rising towards a
# boundary (a and b of BG/NBD both growing when every customer drops out alike), the
# optimiser stops at a finite, equally good answer instead of wandering off.
LOG_BOUND = 12.0


def _minimise(negative_log_likelihood, start: np.ndarray) -> optimize.OptimizeResult:
    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(start)
    result = optimize.minimize(
        negative_log_likelihood,
        start,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 2000, "ftol": 1e-12, "gtol": 1e-9},
    )
    if result.success:
        return result
    # Numeric gradients can make the line search give up near the optimum; the simplex
    # method needs no gradient and takes over from there.
    fallback = optimize.minimize(
        negative_log_likelihood,
        result.x,
        method="Nelder-Mead",
        bounds=bounds,
        # Bounded: on a book the model does not fit, giving up beats a minute of trying.
        options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 1000, "maxfev": 1000},
    )
    return fallback if fallback.success else result


def fit_bgnbd(x, t_x, T) -> Fit:
    """Maximum-likelihood BG/NBD parameters for the histories (x, t_x, T)."""
    x, t_x, T = _arrays(x, t_x, T)
    customers = len(x)
    if customers == 0:
        return Fit(None, None, 0, "no customers")
    scale = max(float(np.mean(T)), 1e-6)

    def negative(log_params: np.ndarray) -> float:
        r, alpha, a, b = np.exp(log_params)
        value = bgnbd_log_likelihood(BGNBD(r, alpha * scale, a, b), x, t_x, T).sum()
        return -value / customers if np.isfinite(value) else np.inf

    result = _minimise(negative, np.log([1.0, 1.0, 1.0, 1.0]))
    r, alpha, a, b = np.exp(result.x)
    params = BGNBD(float(r), float(alpha * scale), float(a), float(b))
    log_likelihood = -float(result.fun) * customers
    if not (result.success and np.isfinite(log_likelihood) and np.all(np.isfinite(result.x))):
        return Fit(None, None, customers, f"the optimiser did not converge: {result.message}")
    return Fit(params, log_likelihood, customers)


def p_alive(params: BGNBD, x, t_x, T) -> np.ndarray:
    """P(still active | history), FHL (2005) eq. (13). Exactly 1 for x = 0: BG/NBD lets
    customers drop out only right after a purchase, so a one-time buyer never has."""
    x, t_x, T = _arrays(x, t_x, T)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    with np.errstate(divide="ignore", invalid="ignore"):
        log_odds = (
            np.log(a)
            - np.log(np.maximum(b + x - 1, 1e-300))
            + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
        )
    return np.where(x > 0, special.expit(-log_odds), 1.0)


def _purchases_if_alive(params: BGNBD, t: float, x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """The numerator of eq. (10): expected purchases in the next ``t`` weeks of a customer
    known to be alive. It depends on (x, T) only, which books share by the thousand: it is
    computed once per distinct pair, since the hypergeometric function is the costly part."""
    # x is a count; T to a thousandth of a day is finer than any date: one integer key.
    keys = x.astype(np.int64) * 10**12 + np.round(T * WEEK_DAYS * 1000).astype(np.int64)
    _keys, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    ux, uT = x[first], T[first]
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    z = t / (alpha + uT + t)
    hyp = special.hyp2f1(r + ux, b + ux, a + b + ux - 1, z)
    # ((alpha+T)/(alpha+T+t))^(r+x) * 2F1: in logs, so a long history does not overflow.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        decayed = np.exp((r + ux) * np.log1p(-z) + np.log(hyp))
        numerator = (a + b + ux - 1) / (a - 1) * (1.0 - decayed)
    return numerator[inverse.reshape(-1)]


def expected_purchases(
    params: BGNBD, t: float, x, t_x, T, alive: np.ndarray | None = None
) -> np.ndarray:
    """Expected purchases in the next ``t`` weeks given the history, FHL (2005) eq. (10).
    ``alive``: p_alive of the same histories, when the caller has it already."""
    x, t_x, T = _arrays(x, t_x, T)
    if len(x) == 0:
        return np.zeros(0)
    if alive is None:
        alive = p_alive(params, x, t_x, T)
    return _purchases_if_alive(params, t, x, T) * alive


def expected_purchases_new_customer(params: BGNBD, t) -> np.ndarray:
    """Expected purchases of a customer in the first ``t`` weeks, FHL (2005) eq. (9)."""
    (t,) = _arrays(t)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    z = t / (alpha + t)
    hyp = special.hyp2f1(r, b, a + b - 1, z)
    return (a + b - 1) / (a - 1) * (1.0 - (alpha / (alpha + t)) ** r * hyp)


# --- Gamma-Gamma ------------------------------------------------------------------------


def gamma_gamma_log_likelihood(params: GammaGamma, x, m) -> np.ndarray:
    """Each customer's log-likelihood of the average repeat spend m over x purchases."""
    x, m = _arrays(x, m)
    p, q, gamma = params.p, params.q, params.gamma
    px = p * x
    return (
        -special.betaln(px, q)
        + q * np.log(gamma)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(gamma + m * x)
    )


def fit_gamma_gamma(x, m) -> Fit:
    """Maximum-likelihood Gamma-Gamma parameters over customers with x > 0 and m > 0.
    Callers leave out the others (a repeat spend of 0 has no likelihood)."""
    x, m = _arrays(x, m)
    customers = len(x)
    if customers == 0:
        return Fit(None, None, 0, "no customers with repeat purchases of value")
    scale = max(float(np.mean(m)), 1e-6)

    def negative(log_params: np.ndarray) -> float:
        p, q, gamma = np.exp(log_params)
        value = gamma_gamma_log_likelihood(GammaGamma(p, q, gamma * scale), x, m).sum()
        return -value / customers if np.isfinite(value) else np.inf

    result = _minimise(negative, np.log([1.0, 1.0, 1.0]))
    p, q, gamma = np.exp(result.x)
    log_likelihood = -float(result.fun) * customers
    if not (result.success and np.isfinite(log_likelihood)):
        return Fit(None, None, customers, f"the optimiser did not converge: {result.message}")
    if q <= 1:
        return Fit(None, None, customers, "q <= 1: the expected spend is not defined")
    return Fit(GammaGamma(float(p), float(q), float(gamma * scale)), log_likelihood, customers)


def expected_spend(params: GammaGamma, x, m) -> np.ndarray:
    """Expected spend per purchase given x repeat purchases averaging m: a weighted mean of
    the population mean and the customer's own. With x = 0, the population mean."""
    x, m = _arrays(x, m)
    p, q, gamma = params.p, params.q, params.gamma
    m = np.where(x > 0, m, 0.0)
    return (p * gamma + p * x * m) / (p * x + q - 1)


# --- value ------------------------------------------------------------------------------


def customer_lifetime_value(
    purchases: BGNBD,
    spend: GammaGamma,
    x,
    t_x,
    T,
    m,
    months: int = 12,
    monthly_discount_rate: float = 0.01,
) -> np.ndarray:
    """Expected, discounted spend over the next ``months``: each month's expected purchases
    times the expected spend per purchase, discounted at the end of the month."""
    x, t_x, T, m = _arrays(x, t_x, T, m)
    per_purchase = expected_spend(spend, x, m)
    alive = p_alive(purchases, x, t_x, T)
    value = np.zeros_like(x)
    before = np.zeros_like(x)
    for month in range(1, months + 1):
        cumulative = expected_purchases(purchases, month * MONTH_WEEKS, x, t_x, T, alive)
        value += per_purchase * (cumulative - before) / (1 + monthly_discount_rate) ** month
        before = cumulative
    return value
