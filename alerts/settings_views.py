"""The admin's settings pages for tolerance rules, with a live preview of how many
customers a rule would colour yellow and red today."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alerts.evaluation import preview_counts
from alerts.forms import ToleranceRuleForm
from alerts.models import ToleranceRule
from alerts.tasks import reevaluate_latest_run
from cockpit.roles import admin_only
from cockpit.search import alphabetical


@admin_only
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = sorted(
        ToleranceRule.objects.prefetch_related("segments", "owners"),
        key=lambda rule: alphabetical(rule.localized_name),  # in the reader's language
    )
    return render(request, "alerts/rule_list.html", {"rules": rules})


@admin_only
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, rule_id: int | None = None) -> HttpResponse:
    rule = get_object_or_404(ToleranceRule, pk=rule_id) if rule_id else None
    form = ToleranceRuleForm(request.POST or None, instance=rule)
    if form.is_valid():
        rule = form.save()
        if reevaluate_latest_run():
            messages.success(
                request,
                _("Rule “%(name)s” saved. Alerts are being evaluated with it now.")
                % {"name": rule.localized_name},
            )
        else:
            messages.success(request, _("Rule “%(name)s” saved.") % {"name": rule.localized_name})
        return redirect("alerts:rules")
    if request.method == "POST":
        preview = form.preview()  # the rule as entered, not yet saved
    elif rule:
        preview = preview_counts(rule)
    else:
        preview = None
    switched_off = (
        "enabled" not in request.POST
        if request.method == "POST"
        else bool(rule and not rule.enabled)
    )
    context = {"form": form, "rule": rule, "preview": preview, "switched_off": switched_off}
    return render(request, "alerts/rule_form.html", context)


@admin_only
@require_POST
def rule_preview(request: HttpRequest) -> HttpResponse:
    """htmx: the counts for the form as it stands, without saving anything."""
    form = ToleranceRuleForm(request.POST)
    form.is_valid()
    # Entered but wrong (red on the wrong side of yellow): say so, not "choose a bound".
    problems = [
        error
        for name in ("kpi", "direction", "yellow_bound", "red_bound")
        if request.POST.get(name)
        for error in form.errors.get(name, [])
    ]
    return render(
        request,
        "alerts/_rule_preview.html",
        # An unticked checkbox is not sent at all: "on" absent means switched off.
        {
            "preview": form.preview(),
            "problems": problems,
            "switched_off": "enabled" not in request.POST,
        },
    )
