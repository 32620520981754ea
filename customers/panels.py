"""Panels other apps add to the customer record, without the customers app knowing them.

settings.CUSTOMER_RECORD_PANELS lists dotted paths of callables
``panel(request, customer) -> RecordPanel | None``.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string


@dataclass
class RecordPanel:
    template: str
    context: dict = field(default_factory=dict)
    badge_template: str | None = None  # shown in the record's header, beside the value badge
    actions_template: str | None = None  # quick actions in the record's header


def record_panels(request: HttpRequest, customer) -> list[RecordPanel]:
    panels = []
    for path in settings.CUSTOMER_RECORD_PANELS:
        panel = import_string(path)(request, customer)
        if panel is not None:
            panels.append(panel)
    return panels
