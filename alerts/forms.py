import datetime as dt

from django import forms
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts.evaluation import preview_counts
from alerts.models import ToleranceRule
from cockpit.people import name_people
from customers.choices import Industry, LifecyclePhase, ValueClass
from customers.forms import DateInput, DecimalInput, sales_reps


class SnoozeForm(forms.Form):
    until = forms.DateField(label=_("Snooze until"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"until": timezone.localdate() + dt.timedelta(days=14)})
        super().__init__(*args, **kwargs)

    def clean_until(self) -> dt.date:
        until = self.cleaned_data["until"]
        if until <= timezone.localdate():
            raise forms.ValidationError(_("Snooze until a day in the future."))
        return until


def _rejected_snooze_key(alert) -> str:
    return f"rejected-snooze-{alert.pk}"


def keep_rejected_snooze(request, alert) -> None:
    """What the user typed into a snooze that was refused, for the record to show again."""
    request.session[_rejected_snooze_key(alert)] = {
        name: request.POST.get(name, "") for name in SnoozeForm.base_fields
    }


def snooze_form(request, alert) -> SnoozeForm:
    """The alert's snooze form: empty, or once refused, as typed with its errors."""
    auto_id = f"id_snooze_{alert.pk}_%s"
    rejected = request.session.pop(_rejected_snooze_key(alert), None)
    if rejected is None:
        return SnoozeForm(auto_id=auto_id)
    form = SnoozeForm(rejected, auto_id=auto_id)
    form.is_valid()  # its errors, shown under the fields
    return form


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ToleranceRuleForm(forms.ModelForm):
    webhook_url = forms.URLField(
        label=_("Webhook"), required=False, assume_scheme="https",
        help_text=ToleranceRule._meta.get_field("webhook_url").help_text,
    )  # fmt: skip
    value_classes = forms.MultipleChoiceField(
        label=_("Value classes"), choices=ValueClass.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    industries = forms.MultipleChoiceField(
        label=_("Industries"), choices=Industry.choices, required=False
    )
    phases = forms.MultipleChoiceField(
        label=_("Life-cycle phases"), choices=LifecyclePhase.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    class Meta:
        model = ToleranceRule
        fields = [
            "name", "name_de", "enabled", "kpi", "direction", "yellow_bound", "red_bound",
            "value_classes", "segments", "industries", "phases", "owners",
            "guidance", "guidance_de", "notify_owner", "notify_managers_on_red", "escalating",
            "extra_recipients", "webhook_url", "pending_evaluations", "resolve_after",
        ]  # fmt: skip
        widgets = {"guidance": forms.Textarea(attrs={"rows": 3}),
                   "guidance_de": forms.Textarea(attrs={"rows": 3}),
                   "extra_recipients": forms.Textarea(attrs={"rows": 2}),
                   "yellow_bound": DecimalInput(), "red_bound": DecimalInput()}  # fmt: skip
        # Typed as the page's language writes numbers: 0,5 on a German page.
        localized_fields = ["yellow_bound", "red_bound"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owners"].queryset = sales_reps()
        name_people(self.fields["owners"])
        for name in ("yellow_bound", "red_bound"):  # 90, not 90.0
            bound = self.initial.get(name)
            if isinstance(bound, float) and bound.is_integer():
                self.initial[name] = int(bound)

    def clean_extra_recipients(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["extra_recipients"].splitlines()]
        addresses = [line for line in lines if line]
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("%(address)s is not an e-mail address.") % {"address": address}
                ) from None
        return "\n".join(addresses)

    def preview(self) -> dict[str, int] | None:
        """Yellow and red counts of the rule as entered, if it is complete enough."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        needed = ("kpi", "direction", "yellow_bound", "red_bound")
        if any(data.get(name) in (None, "") for name in needed):
            return None
        rule = ToleranceRule(
            kpi=data["kpi"], direction=data["direction"], yellow_bound=data["yellow_bound"],
            red_bound=data["red_bound"], value_classes=data.get("value_classes") or [],
            industries=data.get("industries") or [], phases=data.get("phases") or [],
        )  # fmt: skip
        return preview_counts(
            rule,
            segment_ids=[s.pk for s in data.get("segments") or []],
            owner_ids=[u.pk for u in data.get("owners") or []],
        )
