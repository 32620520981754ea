"""Plotly figures of the customer record, built server-side and drawn by static plotly.js."""

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
from django.conf import settings
from django.db.models import Case, DecimalField, F, Sum, When
from django.db.models.functions import TruncMonth
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from customers.choices import PURCHASE_KINDS
from customers.models import Customer


def monthly_revenue(customer: Customer, as_of: dt.date, months: int = 24) -> pd.Series:
    """Net revenue per calendar month, the last ``months`` months up to ``as_of``."""
    first_month = (pd.Timestamp(as_of).to_period("M") - (months - 1)).to_timestamp().date()
    signed = Case(
        When(kind__in=PURCHASE_KINDS, then=F("amount")),
        default=-F("amount"),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )
    rows = (
        customer.transactions.filter(occurred_on__gte=first_month, occurred_on__lte=as_of)
        .annotate(month=TruncMonth("occurred_on"))
        .values("month")
        .annotate(revenue=Sum(signed))
        .order_by("month")
    )
    index = pd.period_range(first_month, as_of, freq="M")
    series = pd.Series(0.0, index=index)
    for row in rows:
        series[pd.Period(row["month"], freq="M")] = float(row["revenue"])
    return series


def amount_axis() -> dict:
    """Tick labels of an axis of amounts: English short forms (20k, 8.73M); German readers get
    whole numbers (20.000), as plotly's short forms are English words."""
    if get_language() == "de":
        return {"tickformat": ",.0f", "automargin": True}
    return {"tickformat": ".3~s"}


def revenue_sparkline(series: pd.Series) -> str:
    """A small bar chart as plotly JSON."""
    figure = go.Figure(
        go.Bar(
            x=[period.to_timestamp() for period in series.index],
            y=series.values.tolist(),
            marker_color="#1d4e89",
            hovertemplate="%{x|%b %Y}: %{y:,.2f} " + settings.KPI_CURRENCY + "<extra></extra>",
            name=_("Net revenue"),
        )
    )
    figure.update_layout(
        height=120,
        margin={"l": 30, "r": 5, "t": 5, "b": 20},
        xaxis={"showgrid": False, "tickformat": "%b %y", "nticks": 4},  # month names: the locale
        yaxis={"showgrid": False, "nticks": 3, "rangemode": "tozero"} | amount_axis(),
        plot_bgcolor="white",
        paper_bgcolor="white",
        showlegend=False,
    )
    return figure.to_json()
