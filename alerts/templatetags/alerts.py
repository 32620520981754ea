from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from alerts.choices import LEVEL_COLOURS, Level
from customers.templatetags.kpis import format_kpi

register = template.Library()


@register.simple_tag
def alert_badge(level: str) -> str:
    level = Level(level or Level.GREEN)
    words = {
        Level.GREEN: _("Alerts: green"),
        Level.YELLOW: _("Alerts: yellow"),
        Level.RED: _("Alerts: red"),
    }
    return format_html('<span class="badge {}">{}</span>', LEVEL_COLOURS[level], words[level])


@register.simple_tag
def level_badge(level: str) -> str:
    """The colour of one alert: "Red", not the customer's "Alerts: red"."""
    level = Level(level)
    return format_html('<span class="badge {}">{}</span>', LEVEL_COLOURS[level], level.label)


@register.filter
def rule_value(alert, value) -> str:
    """A KPI value of the alert's rule, in the KPI's unit."""
    return format_kpi(alert.rule.kpi, value)
