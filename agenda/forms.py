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


def not_moved_into_the_past(form: forms.ModelForm, field: str, message: str):
    """A new task or plan is dated ahead; an existing one may keep its passed date (it shows
    as overdue) but not be moved into the past."""
    day = form.cleaned_data.get(field)
    moved = form.instance.pk is None or day != getattr(form.instance, field)
    if day and moved and day < timezone.localdate():
        raise forms.ValidationError(message)
    return day


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
        """Postponing to 2020 is a typo (see not_moved_into_the_past)."""
        return not_moved_into_the_past(self, "due_on", _("Due today or a later day."))


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
        return not_moved_into_the_past(self, "review_on", _("Review on today or a later day."))
