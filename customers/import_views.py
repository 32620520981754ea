"""Uploading a file: check it (a dry run with every problem in a table), then import it
while the page follows the progress."""

import io

import pandas as pd
from django import forms
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cockpit.roles import require_manager
from customers.imports.layouts import LAYOUTS
from customers.models import ImportJob
from customers.tasks import check_import_job, run_import_job

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label=_("File (CSV in UTF-8, or Excel .xlsx)"),
        help_text=_(
            "Commas or semicolons between the columns; in a file with semicolons, a comma "
            "before the cents (as German Excel saves CSV)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB: split it."))
        return upload


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    require_manager(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        upload_file = form.cleaned_data["file"]
        job = ImportJob.objects.create(
            kind=form.cleaned_data["kind"], filename=upload_file.name,
            content=upload_file.read(), uploaded_by=request.user,
            language=translation.get_language() or "",
        )  # fmt: skip
        # Robust: should the check fail outright, the job page says so; the upload stands.
        transaction.on_commit(lambda: check_import_job.delay(job.pk), robust=True)
        return redirect(job)
    context = {
        "form": form,
        "layouts": list(LAYOUTS.values()),
        "jobs": ImportJob.objects.defer("content").select_related("uploaded_by")[:10],
    }
    return render(request, "customers/import_upload.html", context)


@require_GET
def job_page(request: HttpRequest, job_id: int) -> HttpResponse:
    require_manager(request.user)
    job = get_object_or_404(ImportJob.objects.defer("content"), pk=job_id)
    template = (
        "customers/_import_status.html"
        if request.headers.get("HX-Request")
        else "customers/import_job.html"
    )
    return render(request, template, {"job": job})


@require_POST
def job_run(request: HttpRequest, job_id: int) -> HttpResponse:
    require_manager(request.user)
    job = get_object_or_404(ImportJob.objects.defer("content"), pk=job_id)
    if job.status == ImportJob.Status.CHECKED:
        transaction.on_commit(lambda: run_import_job.delay(job.pk), robust=True)
    return redirect(job)


@require_GET
def template_file(request: HttpRequest, kind: str, file_format: str) -> HttpResponse:
    """An empty file with the layout's header and one example row."""
    layout = LAYOUTS.get(kind)
    if layout is None or file_format not in ("csv", "xlsx"):
        raise Http404(_("No such template."))
    frame = pd.DataFrame([{c.name: c.example for c in layout.columns}])
    if file_format == "csv":
        response = HttpResponse(frame.to_csv(index=False), content_type="text/csv; charset=utf-8")
    else:
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.{file_format}"'
    return response
