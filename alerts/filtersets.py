"""Filters of the alerts API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from alerts.models import Alert
from customers.filtersets import PersonChoiceFilter, visible_owners


class AlertFilterSet(django_filters.FilterSet):
    """As the inbox filters: by colour, state, rule and the customers' owner (an id or a
    username, as the customers API takes it)."""

    owner = PersonChoiceFilter(
        field_name="customer__owner", queryset=visible_owners, label=_("Owner")
    )

    class Meta:
        model = Alert
        fields = ["level", "state", "rule", "owner"]
