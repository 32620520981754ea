import django_filters
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from alerts.choices import LEVEL_RANK, Level
from alerts.models import Alert, ToleranceRule
from customers.filtersets import described
from customers.listing import ListExtension


def filter_alert_colour(queryset: QuerySet, name: str, value: str) -> QuerySet:
    """Customer.alert_rank is the worst unresolved alert, kept by each evaluation."""
    if value in LEVEL_RANK:
        return queryset.filter(alert_rank=LEVEL_RANK[value])
    return queryset


def filter_alert_rule(queryset: QuerySet, name: str, value: str) -> QuerySet:
    """Customers with an unresolved alert of this rule ("4"), or of this rule at this
    colour ("4:red", the cockpit's bars)."""
    rule_id, _sep, level = value.partition(":")
    if not rule_id.isdigit() or level not in ("", *LEVEL_RANK):
        return queryset.none()
    alerts = Alert.objects.unresolved().filter(customer=OuterRef("pk"), rule=int(rule_id))
    if level:
        alerts = alerts.filter(level=level)
    return queryset.filter(Exists(alerts))


def describe_alert_rule(value: str) -> str:
    """ "4:red" as the reader knows it: the rule's name and the colour."""
    rule_id, _sep, level = value.partition(":")
    rule = ToleranceRule.objects.filter(pk=rule_id).first() if rule_id.isdigit() else None
    if rule is None:
        return value
    if level in LEVEL_RANK:
        return f"{rule.localized_name} ({Level(level).label})"
    return rule.localized_name


alert_colour = ListExtension(
    annotate=lambda queryset: queryset,
    filters={
        "alert": lambda: django_filters.ChoiceFilter(
            choices=Level.choices, label=_("Alert colour"), method=filter_alert_colour
        ),
        "alert_rule": lambda: described(
            django_filters.CharFilter(label=_("Alert rule"), method=filter_alert_rule),
            describe_alert_rule,
        ),
    },
    sort_fields=(("alert_rank", "alert"),),
    header=_("Alerts"),
    cell_template="alerts/_list_cell.html",
)
