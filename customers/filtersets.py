import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from customers.choices import CustomerKind, Industry, LifecyclePhase, ValueClass
from customers.kpis.catalogue import MAIN_KPIS
from customers.listing import list_extensions
from customers.models import Contact, Customer, RFMSegment

# (model field, URL value): ?sort=-revenue_12m
SORTABLE = [("name", "name"), ("number", "number")] + [
    (f"kpi__{kpi.name}", kpi.name) for kpi in MAIN_KPIS
]


def _owners(request) -> QuerySet:
    User = get_user_model()
    if request is None:
        return User.objects.none()
    visible = Customer.objects.visible_to(request.user)
    return User.objects.filter(pk__in=visible.values("owner")).order_by("username")


class CustomerFilterSet(django_filters.FilterSet):
    """Filters of the customer list; the same set serves the REST API."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    owner = django_filters.ModelChoiceFilter(queryset=_owners, label=_("Owner"))
    industry = django_filters.ChoiceFilter(choices=Industry.choices, label=_("Industry"))
    kind = django_filters.ChoiceFilter(choices=CustomerKind.choices, label=_("Kind"))
    value_class = django_filters.ChoiceFilter(
        field_name="kpi__value_class", choices=ValueClass.choices, label=_("Value class")
    )
    segment = django_filters.ModelChoiceFilter(
        field_name="kpi__rfm_segment",
        queryset=RFMSegment.objects.all(),
        label=_("RFM segment"),
    )
    phase = django_filters.ChoiceFilter(
        field_name="kpi__lifecycle_phase", choices=LifecyclePhase.choices, label=_("Phase")
    )
    sort = django_filters.OrderingFilter(fields=SORTABLE, label=_("Sort by"))

    class Meta:
        model = Customer
        fields = ["q", "owner", "industry", "kind", "value_class", "segment", "phase", "sort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sortable = list(SORTABLE)
        for extension in list_extensions():
            for name, make_filter in extension.filters.items():
                self.filters[name] = make_filter()
                self.filters[name].parent = self
                self.filters[name].model = Customer
                self.filters[name].field_name = name
            sortable += extension.sort_fields
        self.filters["sort"] = django_filters.OrderingFilter(fields=sortable, label=_("Sort by"))
        self.filters["sort"].parent = self
        self.filters["sort"].field_name = "sort"
        self.filters["sort"].model = Customer

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        contact_matches = Contact.objects.filter(customer=OuterRef("pk"), name__icontains=value)
        return queryset.filter(
            Q(name__icontains=value) | Q(number__istartswith=value) | Exists(contact_matches)
        )
