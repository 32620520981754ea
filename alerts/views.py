from collections.abc import Iterator
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alerts import services
from alerts.choices import AlertState, Level
from alerts.forms import AcknowledgeForm, SnoozeForm, keep_rejected_snooze
from alerts.models import Alert
from cockpit.navigation import redirect_back
from cockpit.people import person_name
from cockpit.roles import sees_all_customers
from cockpit.search import alphabetical
from customers import list_export
from customers.forms import sales_reps


def visible_alert(request: HttpRequest, alert_id: int) -> Alert:
    return get_object_or_404(
        Alert.objects.visible_to(request.user).unresolved().select_related("customer", "rule"),
        pk=alert_id,
    )


@require_POST
def acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = visible_alert(request, alert_id)
    form = AcknowledgeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    services.acknowledge(alert, request.user, note)
    messages.success(
        request, _("Alert “%(rule)s” acknowledged.") % {"rule": alert.rule.localized_name}
    )
    return redirect_back(request, alert.customer)


@require_POST
def resolve(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Closed by hand: the cause is dealt with. A new alert opens if the KPI is still out
    of tolerance at the next evaluation."""
    alert = visible_alert(request, alert_id)
    form = AcknowledgeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    services.resolve(alert, request.user, note)
    messages.success(
        request,
        _("Alert “%(rule)s” resolved. Should the KPI still be out of tolerance at the next "
          "evaluation, a new alert opens.") % {"rule": alert.rule.localized_name},
    )  # fmt: skip
    return redirect_back(request, alert.customer)


@require_POST
def snooze(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = visible_alert(request, alert_id)
    form = SnoozeForm(request.POST)
    if form.is_valid():
        try:
            services.snooze(
                alert, request.user, form.cleaned_data["until"], form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            keep_rejected_snooze(request, alert)
        else:
            messages.success(
                request,
                _("Alert “%(rule)s” snoozed until %(date)s.")
                % {
                    "rule": alert.rule.localized_name,
                    "date": formats.date_format(form.cleaned_data["until"], "SHORT_DATE_FORMAT"),
                },
            )
    else:
        problems = [f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()]
        messages.error(request, _("Not snoozed. %(problems)s") % {"problems": " ".join(problems)})
        keep_rejected_snooze(request, alert)
    return redirect(f"{alert.customer.get_absolute_url()}#alert-{alert.pk}")


INBOX_PAGE_SIZE = 50


def inbox_alerts(request: HttpRequest):
    """Open alerts on the user's customers (all customers for managers), the reddest and
    most valuable first, of ``?level=`` and of the customers of ``?owner=`` if given.
    Acknowledged and snoozed ones are not. Returns the alerts, the level and the owner."""
    alerts = (
        Alert.objects.visible_to(request.user)
        .filter(state=AlertState.OPEN)
        .select_related("customer", "customer__owner", "customer__kpi", "rule")
        .reddest_first()
    )
    level = request.GET.get("level")
    if level in (Level.RED, Level.YELLOW):
        alerts = alerts.filter(level=level)
    else:
        level = None
    owner = None
    if request.GET.get("owner", "").isdigit():
        owner = get_user_model().objects.filter(pk=request.GET["owner"]).first()
        alerts = alerts.filter(customer__owner=owner) if owner else alerts.none()
    return alerts, level, owner


def inbox(request: HttpRequest) -> HttpResponse:
    alerts, level, owner = inbox_alerts(request)
    # The page's ids from the alerts alone, then those alerts with their customers: sorting
    # every open alert joined with its customer, owner and KPIs took 5 s at a million.
    page = Paginator(alerts.values_list("id", flat=True), INBOX_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown = alerts.in_bulk(list(page.object_list))
    page.object_list = [shown[alert_id] for alert_id in page.object_list]
    filters = {"level": level, "owner": owner.pk if owner else None}
    page_query = urlencode({name: value for name, value in filters.items() if value})
    context = {"page": page, "level": level, "owner": owner, "page_query": page_query}
    if sees_all_customers(request.user):
        context["owners"] = sorted(sales_reps(), key=lambda rep: alphabetical(person_name(rep)))
    return render(request, "alerts/inbox.html", context)


def _rounded(value: float | None) -> float | int | str:
    """A KPI value as a person reads it: 37.28 days, not 37.27777777777778."""
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else round(value, 2)


def _export_rows(alerts) -> Iterator[list]:
    levels = dict(Level.choices)
    for alert in alerts.iterator(chunk_size=2000):
        owner = alert.customer.owner
        yield [
            str(levels[alert.level]), alert.customer.number, alert.customer.name,
            getattr(getattr(alert.customer, "kpi", None), "value_class", ""),
            alert.rule.localized_name,
            str(alert.rule.kpi_entry.label), _rounded(alert.kpi_value), _rounded(alert.bound),
            formats.date_format(timezone.localtime(alert.opened_at), "SHORT_DATETIME_FORMAT"),
            person_name(owner) if owner else "", alert.rule.localized_guidance,
        ]  # fmt: skip


@require_GET
def inbox_export(request: HttpRequest, file_format: str) -> HttpResponse:
    """The inbox as shown, every page, as CSV (streamed) or Excel."""
    alerts, _level, _owner = inbox_alerts(request)
    head = [_("Colour"), _("Customer number"), _("Customer"), _("Value class"), _("Rule"),
            _("KPI"), _("KPI value"), _("Bound"), _("Since"), _("Owner"),
            _("Guidance")]  # fmt: skip
    if file_format == "csv":
        return list_export.stream_csv(head, _export_rows(alerts), "alerts", for_spreadsheets=True)
    if file_format == "xlsx":
        return list_export.excel(head, _export_rows(alerts), "alerts", _("Alerts"))
    raise Http404(_("Export as .csv or .xlsx."))
