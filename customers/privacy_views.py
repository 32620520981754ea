"""Pages of the personal-data rights: export as JSON, erase after confirmation.
Managers and admins only."""

import json

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cockpit.roles import require_manager
from customers import privacy
from customers.choices import CustomerKind
from customers.views import visible_customer


class ConfirmErasureForm(forms.Form):
    confirm = forms.CharField(label=gettext_lazy("Type the name to confirm"), max_length=200)

    def __init__(self, *args, expected: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_confirm(self) -> str:
        if self.cleaned_data["confirm"].strip() != self.expected:
            raise forms.ValidationError(_("That is not the name: nothing was erased."))
        return self.cleaned_data["confirm"]


def _json_download(data: dict, filename: str) -> HttpResponse:
    body = json.dumps(data, cls=privacy.ENCODER, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def export(request: HttpRequest, number: str, contact_id: int | None = None) -> HttpResponse:
    customer = visible_customer(request, number)  # first: another rep's customer is a 404
    require_manager(request.user)
    if contact_id is None:
        return _json_download(privacy.export_customer(customer, request.user),
                              f"personal-data-customer-{customer.number}.json")  # fmt: skip
    contact = get_object_or_404(customer.contacts, pk=contact_id)
    return _json_download(privacy.export_contact(contact, request.user),
                          f"personal-data-contact-{contact.pk}.json")  # fmt: skip


@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest, number: str, contact_id: int | None = None) -> HttpResponse:
    customer = visible_customer(request, number)
    require_manager(request.user)
    if contact_id is None:
        if customer.kind != CustomerKind.PERSON:
            raise Http404(_("Only private persons are erased; erase a company's contact persons."))
        subject = customer.name
    else:
        contact = get_object_or_404(customer.contacts, pk=contact_id)
        subject = contact.name
    form = ConfirmErasureForm(request.POST or None, expected=subject)
    if form.is_valid():
        if contact_id is None:
            privacy.erase_customer(customer, request.user)
        else:
            privacy.erase_contact(contact, request.user)
        messages.success(request, _("%(name)s erased. Transactions stay, anonymous.")
                         % {"name": subject})  # fmt: skip
        return redirect(customer)
    heading = _("Erase %(name)s") % {"name": subject}
    return render(request, "customers/erase.html",
                  {"form": form, "customer": customer, "heading": heading})  # fmt: skip
