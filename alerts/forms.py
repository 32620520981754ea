import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.forms import DateInput


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


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
