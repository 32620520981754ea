import datetime as dt
from collections.abc import Callable

import django_filters
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from cockpit.people import person_name
from cockpit.search import contains_text, starts_with_text
from customers.bands import BY_KEY as BANDS_BY_KEY
from customers.bands import RECENCY_BANDS
from customers.choices import CustomerKind, Industry, LifecyclePhase, ValueClass
from customers.kpis.catalogue import MAIN_KPIS
from customers.listing import list_extensions
from customers.models import Contact, Customer, CustomerKPISnapshot, RFMSegment

# Filters the cockpit's charts link to; the list shows them only when set.
DRILL_DOWN_FILTERS = ("recency", "was_segment", "was_month", "active", "contact_overdue",
                      "alert_rule")  # fmt: skip


def described(list_filter, describe: Callable[[str], str]):
    """A filter whose value in the URL is not what a reader should see ("1", "true",
    "2026-11-01"): ``describe`` turns it into words for the list's drill-down badges."""
    list_filter.describe = describe
    return list_filter


def yes_or_no(value: str) -> str:
    return str(_("yes") if value.lower() in ("true", "1", "yes") else _("no"))


def _segment_name(value: str) -> str:
    return dict(_segment_choices()).get(value, value)


def _month_name(value: str) -> str:
    try:
        return date_format(dt.date.fromisoformat(value), "YEAR_MONTH_FORMAT")
    except ValueError:
        return value


# The segment's name is a column per language: the sort reads the reader's.
SEGMENT_NAME = "kpi__rfm_segment__name"

# (model field, URL value): ?sort=-revenue_12m
SORTABLE = [
    ("name", "name"),
    ("number", "number"),
    ("kpi__value_class", "value_class"),
    (SEGMENT_NAME, "segment"),
] + [(f"kpi__{kpi.name}", kpi.name) for kpi in MAIN_KPIS]


class OrderingFilter(django_filters.OrderingFilter):
    """An ascending sort puts customers without the value (prospects, no KPI yet) last on
    every engine (SQLite would put them first); descending keeps the database's order, so
    PostgreSQL still reads the KPI indexes backwards."""

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs
        language = "de" if get_language() == "de" else "en"
        ordering = [
            self.get_ordering_value(param).replace(SEGMENT_NAME, f"{SEGMENT_NAME}_{language}")
            for param in value
        ]
        return qs.order_by(
            *(term if term.startswith("-") else F(term).asc(nulls_last=True) for term in ordering)
        )


class PersonFilterField(django_filters.fields.ModelChoiceField):
    """People by their full names, with django-filter's empty choice ("nobody"). In the
    URL a person is their id, or their username as the REST API shows it (?owner=rep2)."""

    label_from_instance = staticmethod(person_name)

    def to_python(self, value):
        if isinstance(value, str) and value and not value.isdigit() and value != self.null_value:
            user = self.queryset.filter(username=value).first()
            if user is None:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            return user
        return super().to_python(value)


@extend_schema_field(OpenApiTypes.STR)  # an id, a username, or "null"
class PersonChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = PersonFilterField


def _segment_choices() -> list[tuple[str, str]]:
    return [(str(s.pk), s.name) for s in RFMSegment.objects.all()] + [("none", _("No segment"))]


def visible_owners(request) -> QuerySet:
    User = get_user_model()
    if request is None:
        return User.objects.none()
    visible = Customer.objects.visible_to(request.user)
    return User.objects.filter(pk__in=visible.values("owner")).order_by("username")


class CustomerFilterSet(django_filters.FilterSet):
    """Filters of the customer list; the same set serves the REST API."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    # ?owner=null: customers nobody looks after yet (a transaction import creates them so)
    owner = PersonChoiceFilter(queryset=visible_owners, label=_("Owner"), null_label=_("Nobody"))
    industry = django_filters.ChoiceFilter(choices=Industry.choices, label=_("Industry"))
    kind = django_filters.ChoiceFilter(choices=CustomerKind.choices, label=_("Kind"))
    value_class = django_filters.ChoiceFilter(
        field_name="kpi__value_class", choices=ValueClass.choices, label=_("Value class")
    )
    segment = django_filters.ChoiceFilter(
        choices=_segment_choices, method="filter_segment", label=_("RFM segment")
    )
    phase = django_filters.ChoiceFilter(
        field_name="kpi__lifecycle_phase", choices=LifecyclePhase.choices, label=_("Phase")
    )
    recency = django_filters.ChoiceFilter(
        choices=[(band.key, band.label) for band in RECENCY_BANDS],
        method="filter_recency",
        label=_("Days since last reaction"),
    )
    was_segment = described(
        django_filters.CharFilter(method="filter_was_segment", label=_("Segment in month")),
        _segment_name,
    )
    was_month = described(django_filters.DateFilter(method="keep", label=_("Month")), _month_name)
    active = described(
        django_filters.BooleanFilter(
            field_name="kpi__frequency_12m", method="filter_active", label=_("Bought in 12 months")
        ),
        yes_or_no,
    )
    contact_overdue = described(
        django_filters.BooleanFilter(method="filter_contact_overdue", label=_("Contact overdue")),
        yes_or_no,
    )
    sort = OrderingFilter(fields=SORTABLE, label=_("Sort by"))

    class Meta:
        model = Customer
        fields = ["q", "owner", "industry", "kind", "value_class", "segment", "phase", "sort"]

    def filter_segment(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "none":
            return queryset.filter(Q(kpi__isnull=True) | Q(kpi__rfm_segment__isnull=True))
        return queryset.filter(kpi__rfm_segment_id=value)

    def filter_was_segment(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Customers whose monthly snapshot of was_month had this segment."""
        month = self.form.cleaned_data.get("was_month")
        if month is None:
            return queryset
        snapshots = CustomerKPISnapshot.objects.filter(
            customer=OuterRef("pk"), month=month.replace(day=1)
        )
        if value == "none":
            snapshots = snapshots.filter(rfm_segment__isnull=True)
        elif value.isdigit():
            snapshots = snapshots.filter(rfm_segment_id=int(value))
        else:
            return queryset.none()
        return queryset.filter(Exists(snapshots))

    def keep(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """was_month only qualifies was_segment, which reads it."""
        return queryset

    def filter_recency(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        band = BANDS_BY_KEY[value]
        if band.low is None:
            return queryset.filter(Q(kpi__isnull=True) | Q(kpi__reaction_recency_days__isnull=True))
        queryset = queryset.filter(kpi__reaction_recency_days__gte=band.low)
        if band.high is not None:
            queryset = queryset.filter(kpi__reaction_recency_days__lte=band.high)
        return queryset

    def filter_active(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if value:
            return queryset.filter(kpi__frequency_12m__gt=0)
        return queryset.exclude(kpi__frequency_12m__gt=0)

    def filter_contact_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        """Past the due date of the contact cadence (never for customers who opted out)."""
        overdue = Q(kpi__contact_overdue_days__gt=0)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        contact_matches = Contact.objects.filter(
            contains_text("name", value), customer=OuterRef("pk")
        )
        return queryset.filter(
            contains_text("name", value)
            | starts_with_text("number", value)
            | Exists(contact_matches)
        )


def install_list_extensions() -> None:
    """The filters and sort keys other apps add to the customer list (the alert colour),
    made part of the filter set's class once the apps are loaded: the pages, the API and
    its schema all see them."""
    sortable = list(SORTABLE)
    for extension in list_extensions():
        for name, make_filter in extension.filters.items():
            extension_filter = make_filter()
            extension_filter.field_name = name
            CustomerFilterSet.base_filters[name] = extension_filter
        sortable += extension.sort_fields
    CustomerFilterSet.base_filters["sort"] = OrderingFilter(fields=sortable, label=_("Sort by"))
    CustomerFilterSet.base_filters["sort"].field_name = "sort"
