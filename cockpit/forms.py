from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cockpit.dashboard import PERIOD_DAYS, CockpitFilters
from cockpit.models import UserProfile
from cockpit.people import PersonChoiceField
from cockpit.roles import sees_all_customers
from customers.choices import Industry, ValueClass
from customers.models import Customer, RFMSegment

PERIOD_LABELS = {"month": _("a month before"), "quarter": _("a quarter before"),
                 "year": _("a year before")}  # fmt: skip


class CockpitFilterForm(forms.Form):
    """The cockpit's filters. A rep sees only their own book; a manager any rep's or all."""

    owner = PersonChoiceField(
        queryset=get_user_model().objects.none(), required=False, label=_("Owner"),
        empty_label=_("All owners"),
    )  # fmt: skip
    industry = forms.ChoiceField(
        choices=[("", _("All industries")), *Industry.choices], required=False,
        label=_("Industry"),
    )  # fmt: skip
    value_class = forms.ChoiceField(
        choices=[("", _("All classes")), *ValueClass.choices], required=False,
        label=_("Value class"),
    )  # fmt: skip
    segment = forms.ModelChoiceField(
        queryset=RFMSegment.objects.all(), required=False, label=_("RFM segment"),
        empty_label=_("All segments"),
    )  # fmt: skip
    period = forms.ChoiceField(
        choices=[(key, PERIOD_LABELS[key]) for key in PERIOD_DAYS], required=False,
        label=_("Compare with"),
    )  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if sees_all_customers(user):
            owners = Customer.objects.exclude(owner=None).values("owner")
            self.fields["owner"].queryset = (
                get_user_model().objects.filter(pk__in=owners).order_by("username")
            )
        else:
            del self.fields["owner"]

    def cockpit_filters(self) -> CockpitFilters:
        # The valid filters apply; an invalid one alone is dropped (and said so on the page).
        self.is_valid()
        data = getattr(self, "cleaned_data", {})  # none on a form without data
        if "owner" in self.fields:
            owner = data.get("owner")
            owner_id = owner.pk if owner else None
        else:
            owner_id = self.user.pk
        segment = data.get("segment")
        return CockpitFilters(
            owner_id=owner_id,
            industry=data.get("industry") or "",
            value_class=data.get("value_class") or "",
            segment_id=segment.pk if segment else None,
            period=data.get("period") or "month",
        )


class MailSettingsForm(forms.ModelForm):
    """How often a user wants alert mail: at once, as a digest, or not at all."""

    class Meta:
        model = UserProfile
        fields = ["alert_mail"]
        widgets = {"alert_mail": forms.RadioSelect}
