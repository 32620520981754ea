from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from customers import list_export
from customers.charts import monthly_revenue, revenue_sparkline
from customers.filtersets import DRILL_DOWN_FILTERS, CustomerFilterSet
from customers.forms import ContactForm, CustomerForm, InteractionForm, TransactionForm
from customers.kpis import predictive
from customers.kpis.catalogue import BY_NAME, kpis_by_group
from customers.kpis.export import kpi_header, kpi_rows
from customers.listing import list_extensions
from customers.models import Customer, CustomerKPI, CustomerPrediction
from customers.panels import record_panels
from customers.timeline import customer_timeline

CUSTOMERS_PER_PAGE = 50
# Counting exactly the 100,000 class A customers of a million-customer book means joining
# every customer row (about 200 ms); counting up to the cap stops early (about 45 ms).
LIST_COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most LIST_COUNT_CAP + 1 rows; ``capped`` says the list is longer."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: LIST_COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > LIST_COUNT_CAP


LIST_COLUMNS = [BY_NAME[name] for name in ("recency_days", "frequency_12m", "revenue_12m")]


def visible_customer(request: HttpRequest, number: str) -> Customer:
    """The customer with this number, or 404 when it does not exist or is not the user's."""
    return get_object_or_404(
        Customer.objects.visible_to(request.user).select_related("owner"), number=number
    )


def stable_order(customers: QuerySet) -> QuerySet:
    """A sort by a KPI or colour leaves ties in name order, so pages never overlap."""
    ordering = list(customers.query.order_by)
    if ordering and ordering[-1] not in ("name", "number"):
        return customers.order_by(*ordering, "name", "number")
    return customers


def drill_downs(filterset: CustomerFilterSet, request: HttpRequest) -> list[dict]:
    """The cockpit filters in use, each with the link that drops it."""
    used = []
    for name in DRILL_DOWN_FILTERS:
        value = request.GET.get(name)
        if not value:
            continue
        without = request.GET.copy()
        without.pop(name)
        without.pop("page", None)
        field = filterset.form.fields[name]
        describe = getattr(filterset.filters[name], "describe", None)
        shown = (
            describe(value) if describe else dict(getattr(field, "choices", ())).get(value, value)
        )
        used.append({"name": name, "value": value, "label": field.label, "shown": shown,
                     "drop_url": "?" + without.urlencode()})  # fmt: skip
    return used


def listed_customers(request: HttpRequest) -> tuple[CustomerFilterSet, QuerySet]:
    """The user's customers, filtered and sorted as the list's query string says."""
    customers = Customer.objects.visible_to(request.user).select_related(
        "owner", "kpi", "kpi__rfm_segment"
    )
    for extension in list_extensions():
        customers = extension.annotate(customers)
    filterset = CustomerFilterSet(request.GET, queryset=customers, request=request)
    return filterset, stable_order(filterset.qs)


@require_GET
def kpi_export(request: HttpRequest, file_format: str) -> HttpResponse:
    """Every catalogue KPI of the customers the list shows, one row each."""
    _filterset, customers = listed_customers(request)
    kpis = CustomerKPI.objects.filter(customer__in=customers.order_by().values("pk"))
    if file_format == "csv":
        return list_export.stream_csv(kpi_header(), kpi_rows(kpis), "kpis")
    if file_format == "xlsx":
        return list_export.excel(kpi_header(), kpi_rows(kpis), "kpis", "KPIs")
    raise Http404(_("Export as .csv or .xlsx."))


@require_GET
def customer_export(request: HttpRequest, file_format: str) -> HttpResponse:
    """The list as shown, every page, as CSV or Excel."""
    _filterset, customers = listed_customers(request)
    if file_format == "csv":
        return list_export.csv_response(customers, LIST_COLUMNS)
    if file_format == "xlsx":
        return list_export.excel_response(customers, LIST_COLUMNS)
    raise Http404(_("Export as .csv or .xlsx."))


def customer_list(request: HttpRequest) -> HttpResponse:
    filterset, customers = listed_customers(request)
    paginator = CappedPaginator(customers, CUSTOMERS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    page_query = query.urlencode()
    query.pop("sort", None)
    context = {
        "filterset": filterset,
        "page": page,
        "query": query.urlencode(),
        "page_query": page_query,
        "sort": request.GET.get("sort", ""),
        "columns": LIST_COLUMNS,
        "extensions": list_extensions(),
        "drill_downs": drill_downs(filterset, request),
        "drill_down_names": DRILL_DOWN_FILTERS,
        "count_cap": LIST_COUNT_CAP,
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "customer-table":
        return render(request, "customers/_customer_table_update.html", context)
    return render(request, "customers/customer_list.html", context)


def p_alive_text(customer: Customer, kpi: CustomerKPI | None) -> str:
    """The record's sentence on P(alive); the model is read only to say why there is none."""
    prediction = CustomerPrediction.objects.filter(customer=customer).first()
    model = predictive.latest_model() if prediction is None and kpi and kpi.frequency else None
    return predictive.p_alive_explanation(prediction, model)


def customer_detail(request: HttpRequest, number: str) -> HttpResponse:
    customer = visible_customer(request, number)
    kpi = CustomerKPI.objects.filter(customer=customer).select_related("rfm_segment").first()
    as_of = kpi.as_of if kpi else timezone.localdate()
    context = {
        "customer": customer,
        "kpi": kpi,
        "kpi_groups": kpis_by_group(),
        "revenue_chart": revenue_sparkline(monthly_revenue(customer, as_of)),
        "kpi_currency": settings.KPI_CURRENCY,
        "contacts": customer.contacts.annotate(interaction_count=Count("interactions")),
        "timeline": customer_timeline(customer),
        "interaction_form": InteractionForm(customer=customer),
        "panels": record_panels(request, customer),
        "p_alive_text": p_alive_text(customer, kpi),
    }
    return render(request, "customers/customer_detail.html", context)


@require_http_methods(["GET", "POST"])
def customer_create(request: HttpRequest) -> HttpResponse:
    form = CustomerForm(request.POST or None, user=request.user)
    if form.is_valid():
        customer = form.save()
        messages.success(request, _("Customer %(name)s created.") % {"name": customer.name})
        return redirect(customer)
    return render(request, "customers/form_page.html", {"form": form, "heading": _("New customer")})


@require_http_methods(["GET", "POST"])
def customer_update(request: HttpRequest, number: str) -> HttpResponse:
    customer = visible_customer(request, number)
    form = CustomerForm(request.POST or None, instance=customer, user=request.user)
    if form.is_valid():
        customer = form.save()
        messages.success(request, _("Changes to %(name)s saved.") % {"name": customer.name})
        return redirect(customer)
    context = {"form": form, "customer": customer, "heading": _("Edit customer")}
    return render(request, "customers/form_page.html", context)


@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, number: str, contact_id: int | None = None) -> HttpResponse:
    customer = visible_customer(request, number)
    contact = get_object_or_404(customer.contacts, pk=contact_id) if contact_id else None
    form = ContactForm(request.POST or None, instance=contact, customer=customer)
    if form.is_valid():
        contact = form.save()
        messages.success(request, _("Contact person %(name)s saved.") % {"name": contact.name})
        return redirect(customer)
    heading = _("Edit contact person") if contact else _("New contact person")
    context = {"form": form, "customer": customer, "heading": heading}
    return render(request, "customers/form_page.html", context)


@require_http_methods(["GET", "POST"])
def interaction_create(request: HttpRequest, number: str) -> HttpResponse:
    customer = visible_customer(request, number)
    form = InteractionForm(request.POST or None, customer=customer)
    if form.is_valid():
        interaction = form.save(commit=False)
        interaction.user = request.user
        interaction.save()
        messages.success(
            request,
            _("%(channel)s logged on %(customer)s.")
            % {"channel": interaction.get_channel_display(), "customer": customer.name},
        )
        return redirect(customer)
    context = {"form": form, "customer": customer, "heading": _("Log a contact")}
    return render(request, "customers/form_page.html", context)


@require_http_methods(["GET", "POST"])
def transaction_create(request: HttpRequest, number: str) -> HttpResponse:
    customer = visible_customer(request, number)
    form = TransactionForm(request.POST or None, customer=customer)
    if form.is_valid():
        transaction = form.save()
        messages.success(
            request,
            _("%(kind)s of %(amount)s %(currency)s recorded.")
            % {
                "kind": transaction.get_kind_display(),
                "amount": formats.number_format(
                    transaction.amount, decimal_pos=2, use_l10n=True, force_grouping=True
                ),
                "currency": transaction.currency,
            },
        )
        return redirect(customer)
    context = {"form": form, "customer": customer, "heading": _("Add transaction")}
    return render(request, "customers/form_page.html", context)
