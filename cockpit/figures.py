"""Plotly figures of the KPI cockpit, built server-side from the cockpit's sums with pandas.

Every point carries the customer-list URL of the customers behind it (customdata); the
page's script follows it on click.
"""

import textwrap

import pandas as pd
import plotly.graph_objects as go
from django.conf import settings
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from alerts.choices import Level
from alerts.models import ToleranceRule
from cockpit.dashboard import Cockpit
from customers.bands import RECENCY_BANDS
from customers.charts import amount_axis
from customers.choices import LifecyclePhase, ValueClass
from customers.models import RFMSegment

COLOURS = {
    Level.GREEN: "#2f855a",
    Level.YELLOW: "#d4a800",
    Level.RED: "#b42318",
    "A": "#5b21b6",
    "B": "#1d4e89",
    "C": "#9aa5b1",
    "brand": "#1d4e89",
}
FUNNEL = [
    LifecyclePhase.PROSPECT,
    LifecyclePhase.NEW,
    LifecyclePhase.GROWING,
    LifecyclePhase.LOYAL,
    LifecyclePhase.AT_RISK,
    LifecyclePhase.LAPSED,
    LifecyclePhase.TERMINATED,
]


def _layout(figure: go.Figure, height: int = 280, **more) -> str:
    figure.update_layout(
        **{
            "height": height,
            "margin": {"l": 40, "r": 10, "t": 10, "b": 40},
            "plot_bgcolor": "white",
            "paper_bgcolor": "white",
            "font": {"family": "system-ui, sans-serif", "size": 12},
            # Decimal and thousands separators of the page's language.
            "separators": ",." if get_language() == "de" else ".,",
        }
        | more
    )
    return figure.to_json()


# A legend in one row above the plot: below it, on a phone, it covered the x-axis labels
# and the labels of a donut's lower slices.
LEGEND_ON_TOP = {
    "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
    "margin": {"l": 40, "r": 10, "t": 40, "b": 40},
}
# A right-hand axis counts on its own: plotly would otherwise put its ticks on the left
# axis's grid lines, at odd values (16, 140, 264).
OWN_TICKS = {"tickmode": "auto"}


def segment_names() -> dict[int | None, str]:
    names: dict[int | None, str] = {s.pk: s.name for s in RFMSegment.objects.all()}
    names[None] = _("No segment")
    return names


def _slice_texts(values: pd.Series, money: bool, between: str = "<br>") -> list[str]:
    """Value and share of each slice as the reader writes numbers (German: 1.271.092 EUR,
    34,9 %), which plotly's own formats cannot (no space before %, no currency)."""
    total = float(values.sum()) or 1.0
    texts = []
    for value in values:
        amount = number_format(round(float(value)), force_grouping=True)
        if money:
            amount = f"{amount} {settings.KPI_CURRENCY}"
        share = number_format(round(100 * float(value) / total, 1), decimal_pos=1)
        texts.append(f"{amount}{between}{share} %")
    return texts


def _percent_suffix() -> str:
    return " %" if get_language() == "de" else "%"


def alert_colour_pie(cockpit: Cockpit, measure: str) -> str:
    levels = [Level.RED, Level.YELLOW, Level.GREEN]
    frame = pd.DataFrame(
        {
            "level": levels,
            "label": [str(level.label) for level in levels],
            "value": [cockpit.by_alert.get(level, {}).get(measure, 0) for level in levels],
            "url": [cockpit.filters.list_url(alert=level.value) for level in levels],
        }
    )
    figure = go.Figure(
        go.Pie(
            labels=frame["label"],
            values=frame["value"],
            customdata=frame["url"],
            marker={"colors": [COLOURS[level] for level in levels]},
            hole=0.45,
            sort=False,
            text=_slice_texts(frame["value"], money=measure == "revenue_12m"),
            textinfo="text",
            hovertemplate="%{label}: %{text}<extra></extra>",
        )
    )
    # Room above the donut for the legend and the upper slices' labels.
    return _layout(
        figure, height=290, showlegend=True,
        **LEGEND_ON_TOP | {"margin": {"l": 10, "r": 10, "t": 70, "b": 30}},
    )  # fmt: skip


def recency_histogram(cockpit: Cockpit) -> str:
    frame = pd.DataFrame(
        {
            "label": [str(band.label) for band in RECENCY_BANDS],
            "customers": [cockpit.recency_bands.get(band.key, 0) for band in RECENCY_BANDS],
            "url": [cockpit.filters.list_url(recency=band.key) for band in RECENCY_BANDS],
        }
    )
    figure = go.Figure(
        go.Bar(
            x=frame["label"],
            y=frame["customers"],
            customdata=frame["url"],
            marker_color=COLOURS["brand"],
            hovertemplate="%{x}: %{y:,}<extra></extra>",
        )
    )
    return _layout(
        figure, height=260, xaxis={"tickangle": -30, "automargin": True},
        margin={"l": 40, "r": 10, "t": 10, "b": 70},
    )  # fmt: skip


def _wrapped(label: str, width: int = 24) -> str:
    """A long axis label on lines of about ``width`` characters, so it fits a phone."""
    return "<br>".join(textwrap.wrap(label, width)) or label


def alerts_by_rule(cockpit: Cockpit) -> str:
    names = {rule.pk: rule.localized_name for rule in ToleranceRule.objects.all()}
    frame = pd.DataFrame(
        [
            {"rule": _wrapped(names.get(rule_id, str(rule_id))), "rule_id": rule_id, **counts}
            for rule_id, counts in cockpit.by_rule.items()
        ],
        columns=["rule", "rule_id", "red", "yellow"],
    )
    frame = frame.assign(total=frame["red"] + frame["yellow"]).sort_values("total")
    figure = go.Figure()
    for level in (Level.RED, Level.YELLOW):
        figure.add_bar(
            y=frame["rule"],
            x=frame[level.value],
            name=str(level.label),
            orientation="h",
            marker_color=COLOURS[level],
            customdata=[
                cockpit.filters.list_url(alert_rule=f"{rule_id}:{level.value}")
                for rule_id in frame["rule_id"]
            ],
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    height = max(220, 70 + 28 * len(frame))
    # The rule names take the room they need; the legend goes on top (on the right it left
    # the names too little room on a phone).
    return _layout(
        figure, height=height, barmode="stack", yaxis={"automargin": True},
        **LEGEND_ON_TOP | {"margin": {"l": 10, "r": 10, "t": 40, "b": 30}},
    )  # fmt: skip


def _ticks(axis: dict) -> dict:
    """An axis's tick format, for a colour bar (which takes no other axis keys)."""
    return {"tickformat": axis["tickformat"]}


def segment_treemap(cockpit: Cockpit) -> str:
    names = segment_names()
    rows = [
        {"segment_id": segment_id, "name": names.get(segment_id, "?"), **values}
        for segment_id, values in cockpit.by_segment.items()
        if values["customers"]
    ]
    frame = pd.DataFrame(rows, columns=["segment_id", "name", "customers", "revenue_12m"])
    # An explicit root (all customers), so hovering the frame says what it is.
    root = _("All customers")
    figure = go.Figure(
        go.Treemap(
            labels=[root, *frame["name"]],
            parents=["", *[root] * len(frame)],
            values=[int(frame["customers"].sum()), *frame["customers"]],
            branchvalues="total",
            # From the rows, not the frame: pandas turns the ids into floats (1.0, nan).
            customdata=[cockpit.filters.list_url()]
            + [
                cockpit.filters.list_url(
                    segment=row["segment_id"] if row["segment_id"] is not None else "none"
                )
                for row in rows
            ],
            marker={
                "colors": [float(frame["revenue_12m"].sum()), *frame["revenue_12m"]],
                "colorscale": "Blues",
                "cmin": 0,
                "cmax": float(frame["revenue_12m"].max()) if len(frame) else 1,
                "showscale": True,
                "colorbar": {"title": {"text": _("Revenue")}, **_ticks(amount_axis())},
            },
            texttemplate="%{label}<br>%{value:,}",
            hovertemplate=_("%{label}: %{value:,} customers, revenue %{color:,.0f}")
            + "<extra></extra>",
        )
    )
    return _layout(figure, height=320, margin={"l": 5, "r": 5, "t": 5, "b": 5})


def value_classes(cockpit: Cockpit) -> str:
    # Filtered by a class, the others are not part of the picture (their bars read 0 and
    # their links would drop the filter).
    chosen = cockpit.filters.value_class
    classes = [ValueClass(chosen)] if chosen else [ValueClass.A, ValueClass.B, ValueClass.C]
    frame = pd.DataFrame(
        {
            "label": [_("Class %(name)s") % {"name": c.value} for c in classes],
            "customers": [cockpit.by_value_class.get(c, {}).get("customers", 0) for c in classes],
            "revenue": [cockpit.by_value_class.get(c, {}).get("revenue_12m", 0) for c in classes],
            "expected": [
                cockpit.by_value_class.get(c, {}).get("expected_revenue_12m", 0) for c in classes
            ],
            "url": [cockpit.filters.list_url(value_class=c.value) for c in classes],
        }
    )
    figure = go.Figure()
    figure.add_bar(
        x=frame["label"], y=frame["customers"], name=_("Customers"), customdata=frame["url"],
        marker_color=[COLOURS[c] for c in classes], showlegend=False,
        hovertemplate="%{x}: %{y:,}<extra>" + _("Customers") + "</extra>",
    )  # fmt: skip
    figure.add_scatter(
        x=frame["label"], y=frame["revenue"], name=_("Revenue (12 months)"), yaxis="y2",
        mode="markers+lines", customdata=frame["url"], marker_color="#e67e22",
        hovertemplate="%{x}: %{y:,.0f}<extra>" + _("Revenue (12 months)") + "</extra>",
    )  # fmt: skip
    if frame["expected"].any():
        figure.add_scatter(
            x=frame["label"], y=frame["expected"], name=_("Expected revenue (next 12 months)"),
            yaxis="y2", mode="markers+lines", customdata=frame["url"], marker_color="#8e44ad",
            line={"dash": "dot"},
            hovertemplate="%{x}: %{y:,.0f}<extra>"
            + _("Expected revenue (next 12 months)")
            + "</extra>",
        )  # fmt: skip
    return _layout(
        figure, height=260, yaxis={"title": {"text": _("Customers")}, "automargin": True},
        yaxis2={"overlaying": "y", "side": "right", "showgrid": False, "rangemode": "tozero"}
        | amount_axis() | OWN_TICKS,
        hoverlabel={"namelength": -1}, **LEGEND_ON_TOP,
    )  # fmt: skip


def concentration_curve(cockpit: Cockpit) -> str:
    frame = pd.DataFrame(cockpit.concentration, columns=["customers", "revenue"]) * 100
    url = cockpit.filters.list_url(sort="-revenue_12m")
    figure = go.Figure()
    figure.add_scatter(
        x=frame["customers"], y=frame["revenue"], mode="lines+markers", name=_("Revenue share"),
        customdata=[url] * len(frame), line={"color": COLOURS["brand"]},
        hovertemplate=_("Top %{x:.0f}% of customers: %{y:.1f}% of revenue") + "<extra></extra>",
    )  # fmt: skip
    figure.add_scatter(
        x=[0, 100], y=[0, 100], mode="lines", name=_("Even spread"),
        line={"dash": "dot", "color": "#9aa5b1"}, hoverinfo="skip",
    )  # fmt: skip
    return _layout(
        figure, height=260, xaxis={"ticksuffix": _percent_suffix(), "range": [0, 100]},
        yaxis={"ticksuffix": _percent_suffix(), "range": [0, 100]}, legend={"orientation": "h"},
    )  # fmt: skip


def phase_funnel(cockpit: Cockpit) -> str:
    frame = pd.DataFrame(
        {
            "label": [str(phase.label) for phase in FUNNEL],
            "customers": [cockpit.by_phase.get(phase, 0) for phase in FUNNEL],
            "url": [cockpit.filters.list_url(phase=phase.value) for phase in FUNNEL],
        }
    )
    figure = go.Figure(
        go.Funnel(
            y=frame["label"], x=frame["customers"], customdata=frame["url"],
            marker={"color": COLOURS["brand"]},
            text=_slice_texts(frame["customers"], money=False, between=" · "),
            textinfo="text", hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )  # fmt: skip
    return _layout(figure, height=300, margin={"l": 110, "r": 10, "t": 10, "b": 20})


def segment_migration(cockpit: Cockpit) -> str:
    names = segment_names()
    frame = pd.DataFrame(
        [
            {"before": source, "now": target, "customers": count}
            for (source, target), count in cockpit.migration.items()
        ],
        columns=["before", "now", "customers"],
    )
    order = [pk for pk in names if pk is not None] + [None]
    frame = frame.fillna({"before": -1, "now": -1})
    matrix = frame.pivot_table(index="before", columns="now", values="customers", aggfunc="sum")
    keys = [-1 if pk is None else pk for pk in order]
    present = [k for k in keys if k in matrix.index or k in matrix.columns]
    matrix = matrix.reindex(index=present, columns=present).fillna(0)
    month = cockpit.migration_from.isoformat() if cockpit.migration_from else ""
    urls = [
        [
            cockpit.filters.list_url(
                segment=target if target != -1 else "none",
                was_segment=source if source != -1 else "none",
                was_month=month,
            )
            for target in present
        ]
        for source in present
    ]
    labels = [names[None if k == -1 else k] for k in present]
    figure = go.Figure(
        go.Heatmap(
            z=matrix.values.tolist(), x=labels, y=labels, customdata=urls,
            colorscale="Blues", texttemplate="%{z:,.0f}", showscale=False,
            hovertemplate=_("%{y} → %{x}: %{z:,.0f}") + "<extra></extra>",
        )
    )  # fmt: skip
    before = date_format(cockpit.migration_from, "F Y") if cockpit.migration_from else ""
    # Each cell shows its count: no colour scale, so on a phone the grid keeps the width.
    # The axes take the room their segment names need.
    return _layout(
        figure, height=440, margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"title": {"text": _("now")}, "automargin": True},
        yaxis={"title": {"text": before}, "autorange": "reversed", "automargin": True},
    )  # fmt: skip


def history(cockpit: Cockpit) -> str:
    frame = pd.DataFrame(cockpit.history, columns=["taken_on", "revenue_12m", "active_customers"])
    url = cockpit.filters.list_url(active="true")
    figure = go.Figure()
    day = "%d.%m.%Y" if get_language() == "de" else "%Y-%m-%d"
    revenue, active = _("Revenue (12 months)"), _("Active customers")
    figure.add_scatter(
        x=frame["taken_on"], y=frame["revenue_12m"], name=revenue,
        mode="lines+markers", customdata=[url] * len(frame), line={"color": COLOURS["brand"]},
        hovertemplate=f"%{{x|{day}}}: %{{y:,.0f}}<extra>{revenue}</extra>",
    )  # fmt: skip
    figure.add_scatter(
        x=frame["taken_on"], y=frame["active_customers"], name=active,
        mode="lines+markers", yaxis="y2", customdata=[url] * len(frame),
        line={"color": "#e67e22"},
        hovertemplate=f"%{{x|{day}}}: %{{y:,}}<extra>{active}</extra>",
    )  # fmt: skip
    return _layout(
        figure, height=280, yaxis=amount_axis() | {"rangemode": "tozero"},
        yaxis2={"overlaying": "y", "side": "right", "showgrid": False, "tickformat": ",d",
                "rangemode": "tozero"} | OWN_TICKS,
        hoverlabel={"namelength": -1}, **LEGEND_ON_TOP,
    )  # fmt: skip


def all_figures(cockpit: Cockpit) -> dict[str, str]:
    """Figure JSON by the id of the script element the page reads it from."""
    figures = {
        "customers-by-alert": alert_colour_pie(cockpit, "customers"),
        "revenue-by-alert": alert_colour_pie(cockpit, "revenue_12m"),
        "recency": recency_histogram(cockpit),
        "alerts-by-rule": alerts_by_rule(cockpit),
        "segments": segment_treemap(cockpit),
        "value-classes": value_classes(cockpit),
        "concentration": concentration_curve(cockpit),
        "phases": phase_funnel(cockpit),
        "migration": segment_migration(cockpit),
        "history": history(cockpit),
    }
    return {f"fig-{name}": figure for name, figure in figures.items()}
