from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.models import ActionPlan, Task
from cockpit.people import name_people
from cockpit.roles import sees_all_customers
from customers.choices import Rating
from customers.forms import DateInput, sales_reps


def _assignable(user, customer):
    """Managers assign to any rep; a rep to themselves or the customer's owner."""
    if sees_all_customers(user):
        return sales_reps()
    ids = {user.pk, customer.owner_id} - {None}
    return get_user_model().objects.filter(pk__in=ids).order_by("username")


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["kind", "title", "due_on", "assignee", "contact", "notes"]
        widgets = {"due_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.customer = customer
        self.fields["assignee"].queryset = _assignable(user, customer)
        name_people(self.fields["assignee"])
        self.fields["assignee"].required = True
        self.fields["contact"].queryset = customer.contacts.filter(contact_opt_out=False)
        if self.instance.pk and not self.is_bound:
            # Words a sequence step or an alert rule gave the task, in the reader's language.
            self.initial["title"] = self.instance.title and self.instance.display_title
            self.initial["notes"] = self.instance.display_notes
        if self.instance.pk and not self.instance.title:
            # A cadence task is named by its kind ("Contact due: visit", in the reader's
            # language) until someone gives it a title of its own.
            self.fields["title"].widget.attrs["placeholder"] = self.instance.display_title
        else:
            self.fields["title"].required = True

    def clean_due_on(self):
        """A new task is due ahead; an existing one may keep its passed date (it shows as
        overdue) but not be moved into the past: postponing to 2020 is a typo."""
        due_on = self.cleaned_data.get("due_on")
        moved = self.instance.pk is None or due_on != self.instance.due_on
        if due_on and moved and due_on < timezone.localdate():
            raise forms.ValidationError(_("Due today or a later day."))
        return due_on


class CompleteTaskForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"), max_length=2000, required=False,
        widget=forms.TextInput(attrs={"placeholder": _("What came out of it?")}),
    )  # fmt: skip
    rating = forms.ChoiceField(label=_("How was it?"), choices=Rating.choices,
                               initial=Rating.NEUTRAL)  # fmt: skip
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction (1-5)"), required=False, coerce=int, empty_value=None,
        choices=[("", "-")] + [(n, str(n)) for n in range(1, 6)],
    )  # fmt: skip
    acknowledge_alert = forms.BooleanField(
        label=_("Acknowledge the alert"), required=False, initial=True
    )


class CancelTaskForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=500, required=False)


class ActionPlanForm(forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = ["goal", "responsible", "review_on", "status"]
        widgets = {"review_on": DateInput()}

    def __init__(self, *args, user, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.customer = customer
        self.fields["responsible"].queryset = _assignable(user, customer)
        name_people(self.fields["responsible"])
        if self.instance.pk is None:
            del self.fields["status"]

    def clean_review_on(self):
        """A new plan is reviewed ahead; an existing one may keep a passed date (overdue
        reviews are shown as such) but not be moved into the past."""
        review_on = self.cleaned_data.get("review_on")
        moved = self.instance.pk is None or review_on != self.instance.review_on
        if review_on and moved and review_on < timezone.localdate():
            raise forms.ValidationError(_("Review on today or a later day."))
        return review_on
