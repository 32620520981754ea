"""Columns, filters and sort keys other apps add to the customer list, so that the
customers app does not depend on them (settings.CUSTOMER_LIST_EXTENSIONS)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import django_filters
from django.conf import settings
from django.db.models import QuerySet
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class ListExtension:
    annotate: Callable[[QuerySet], QuerySet]
    filters: dict[str, Callable[[], django_filters.Filter]] = field(default_factory=dict)
    sort_fields: tuple[tuple[str, str], ...] = ()  # (annotation, URL value)
    header: str = ""
    cell_template: str = ""  # rendered with ``customer``


@cache
def list_extensions() -> tuple[ListExtension, ...]:
    return tuple(import_string(path) for path in settings.CUSTOMER_LIST_EXTENSIONS)
