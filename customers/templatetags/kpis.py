"""Template helpers for KPIs and colour badges: colour always comes with its word."""

import datetime as dt
from decimal import Decimal

from django import template
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cockpit.people import person_name
from customers.choices import VALUE_CLASS_COLOURS, LifecyclePhase, ValueClass
from customers.kpis.catalogue import BY_NAME, Unit

register = template.Library()

PHASE_COLOURS = {
    LifecyclePhase.AT_RISK: "yellow",
    LifecyclePhase.LAPSED: "red",
    LifecyclePhase.TERMINATED: "grey",
    LifecyclePhase.GROWING: "green",
    LifecyclePhase.LOYAL: "green",
}


def format_kpi(name: str, value) -> str:
    """A KPI value in the unit of its catalogue entry; an em dash when there is none."""
    if value is None or value == "":
        return "—"
    unit = BY_NAME[name].unit
    if isinstance(value, float) and unit == Unit.DAYS:
        value = round(value, 1)  # an average: a tenth of a day, shown only when it is one
    if isinstance(value, float) and value.is_integer() and unit in (Unit.DAYS, Unit.COUNT):
        value = int(value)
    if unit == Unit.DATE and isinstance(value, dt.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if unit == Unit.DAYS:
        if isinstance(value, float):
            return _("%(days)s days") % {"days": number_format(round(value, 1), use_l10n=True)}
        return ngettext("%(days)s day", "%(days)s days", value) % {"days": intcomma(value)}
    if unit == Unit.MONEY:
        amount = number_format(Decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True)
        return f"{amount} {settings.KPI_CURRENCY}"
    if unit == Unit.PERCENT:  # a tenth only when there is one: -40 %, 12,5 %
        percent = round(float(value), 1) + 0.0  # + 0.0: no "-0 %"
        places = 0 if percent.is_integer() else 1
        return f"{number_format(percent, decimal_pos=places, use_l10n=True)} %"
    if unit == Unit.PROBABILITY:
        return f"{number_format(round(100 * float(value)), decimal_pos=0, use_l10n=True)} %"
    if unit == Unit.NUMBER:
        return number_format(round(float(value), 1), decimal_pos=1, use_l10n=True)
    if unit in (Unit.RATIO, Unit.SCORE) and isinstance(value, float):
        return number_format(round(value, 2), decimal_pos=2, use_l10n=True)
    if unit == Unit.COUNT:
        return intcomma(value)
    return str(value)


@register.simple_tag
def kpi_value(kpi_row, name: str) -> str:
    value = getattr(kpi_row, name, None) if kpi_row is not None else None
    if name == "rfm_segment":
        return value.name if value else "—"
    if name == "value_class":
        return kpi_row.get_value_class_display() if kpi_row else "—"
    if name == "lifecycle_phase":
        return kpi_row.get_lifecycle_phase_display() if kpi_row else "—"
    return format_kpi(name, value)


@register.simple_tag
def value_badge(value_class: str | None) -> str:
    if not value_class:
        return format_html('<span class="badge grey">{}</span>', _("No value class yet"))
    colour = VALUE_CLASS_COLOURS[ValueClass(value_class)]
    return format_html(
        '<span class="badge {}" title="{}">{}</span>',
        colour,
        BY_NAME["value_class"].help,
        _("Value class %(value_class)s") % {"value_class": value_class},
    )


@register.simple_tag
def phase_badge(phase: str | None) -> str:
    if not phase:
        return ""
    colour = PHASE_COLOURS.get(phase, "grey")
    return format_html(
        '<span class="badge {}" title="{}">{}</span>',
        colour,
        BY_NAME["lifecycle_phase"].help,
        LifecyclePhase(phase).label,
    )


@register.simple_tag
def sort_header(
    field: str, label, current: str, query: str, css: str = "", descending_first: bool = False
) -> str:
    """A column header that sorts by ``field``; a second click reverses the order. A
    colour sorts the reddest first."""
    ascending, descending = field, f"-{field}"
    if descending_first:
        next_sort = ascending if current == descending else descending
    else:
        next_sort = descending if current == ascending else ascending
    state = {ascending: "ascending", descending: "descending"}.get(current)
    arrow = {"ascending": " ▲", "descending": " ▼"}.get(state, "")
    href = f"?{query}&sort={next_sort}" if query else f"?sort={next_sort}"
    if state:
        return format_html(
            '<th class="{}"><a href="{}" aria-sort="{}">{}{}</a></th>',
            css,
            href,
            state,
            label,
            arrow,
        )
    return format_html('<th class="{}"><a href="{}">{}</a></th>', css, href, label)


@register.filter
def person(user, empty: str = "—") -> str:
    """A user's full name, else the username; ``empty`` when there is nobody."""
    if user is None:
        return empty
    return person_name(user)


@register.filter
def field_label(form, name: str) -> str:
    """The label of a form's field by name (a filter's, in an error message)."""
    field = form.fields.get(name)
    return field.label if field is not None and field.label else name
