from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alerts import services
from alerts.forms import AcknowledgeForm, SnoozeForm
from alerts.models import Alert


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
    messages.success(request, _("Alert “%(rule)s” acknowledged.") % {"rule": alert.rule.name})
    return redirect(alert.customer)


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
        else:
            messages.success(
                request,
                _("Alert “%(rule)s” snoozed until %(date)s.")
                % {"rule": alert.rule.name, "date": form.cleaned_data["until"].isoformat()},
            )
    else:
        problems = [f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()]
        messages.error(request, _("Not snoozed. %(problems)s") % {"problems": " ".join(problems)})
    return redirect(alert.customer)
