import django_filters
from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from alerts.choices import Level
from alerts.models import Alert
from customers.listing import ListExtension

RANK = Case(
    When(level=Level.RED, then=Value(2)), When(level=Level.YELLOW, then=Value(1)),
    output_field=IntegerField(),
)  # fmt: skip


def _unresolved(level: str | None = None):
    alerts = Alert.objects.unresolved().filter(customer=OuterRef("pk"))
    return alerts.filter(level=level) if level else alerts


def annotate_alert_rank(queryset: QuerySet) -> QuerySet:
    """alert_rank: 2 red, 1 yellow, 0 green (the worst unresolved alert)."""
    worst = _unresolved().annotate(rank=RANK).order_by("-rank").values("rank")[:1]
    return queryset.annotate(alert_rank=Coalesce(Subquery(worst), Value(0)))


def filter_alert_colour(queryset: QuerySet, name: str, value: str) -> QuerySet:
    if value == Level.RED:
        return queryset.filter(Exists(_unresolved(Level.RED)))
    if value == Level.YELLOW:
        return queryset.filter(Exists(_unresolved(Level.YELLOW))).exclude(
            Exists(_unresolved(Level.RED))
        )
    if value == Level.GREEN:
        return queryset.exclude(Exists(_unresolved()))
    return queryset


alert_colour = ListExtension(
    annotate=annotate_alert_rank,
    filters={
        "alert": lambda: django_filters.ChoiceFilter(
            choices=Level.choices, label=_("Alert colour"), method=filter_alert_colour
        )
    },
    sort_fields=(("alert_rank", "alert"),),
    header=_("Alerts"),
    cell_template="alerts/_list_cell.html",
)
