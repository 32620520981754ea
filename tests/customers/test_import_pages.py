"""The import pages: upload, the dry run's report, the import, templates, who may."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cockpit.models import UserProfile
from customers.models import ImportJob, Transaction
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

GOOD = (b"customer_number,kind,occurred_on,amount,external_ref\n"
        b"K-1,invoice,2026-01-15,10.00,R-1\nK-2,order,2026-01-16,20.00,R-2\n")  # fmt: skip


def upload(client, content: bytes, name: str = "erp.csv", **headers):
    file = SimpleUploadedFile(name, content, content_type="text/csv")
    with_hooks = client.post(
        reverse("imports:upload"), {"kind": "transactions", "file": file}, **headers
    )
    return with_hooks


def test_reps_cannot_import(client_a):
    assert client_a.get(reverse("imports:upload")).status_code == 403


def test_a_bad_file_shows_every_problem_in_a_table_and_writes_nothing(
    client_manager, django_capture_on_commit_callbacks
):
    bad = GOOD.replace(b"2026-01-16", b"16.13.2026").replace(b"10.00", b"-10")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client_manager, bad)
    job = ImportJob.objects.get()
    page = client_manager.get(response.url).content.decode()
    assert (job.status, job.problem_count) == ("invalid", 2)
    assert "2 problems: nothing was written." in page
    assert "<td>occurred_on</td><td><code>16.13.2026</code></td>" in page
    assert not Transaction.objects.exists()


def test_a_good_file_is_checked_then_imported_once(
    client_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client_manager, GOOD)
    job = ImportJob.objects.get()
    assert (job.status, job.result["created"]) == ("checked", 2)
    assert not Transaction.objects.exists()
    assert "Import now" in client_manager.get(response.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client_manager.post(reverse("imports:run", args=[job.pk]))
        client_manager.post(reverse("imports:run", args=[job.pk]))  # a double click
    job.refresh_from_db()
    assert (job.status, job.progress, job.result["created"], bytes(job.content)) == (
        "done", 100, 2, b"",
    )  # fmt: skip
    assert Transaction.objects.count() == 2
    fragment = client_manager.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert 'id="import-status" data-status="done"' in fragment.content.decode()


def test_a_file_known_already_has_nothing_to_import(
    client_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_manager, GOOD)
    first = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client_manager.post(reverse("imports:run", args=[first.pk]))
    assert "being recomputed" in client_manager.get(first.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_manager, GOOD)
    again = ImportJob.objects.latest("pk")
    page = client_manager.get(again.get_absolute_url()).content.decode()
    assert "Nothing new: every row is known already, so there is nothing to import." in page
    assert "Import now" not in page
    assert Transaction.objects.count() == 2


def _run_checked_import_with_a_failing(target: str, client, callbacks, monkeypatch) -> ImportJob:
    """Upload GOOD, then run its import while ``target`` raises "database is locked"."""
    with callbacks(execute=True):
        upload(client, GOOD)
    job = ImportJob.objects.get()

    def locked(*args, **kwargs):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(target, locked)
    with callbacks(execute=True):
        response = client.post(reverse("imports:run", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    return job


def test_an_import_that_stops_unexpectedly_says_so_and_writes_nothing(
    client_manager, django_capture_on_commit_callbacks, monkeypatch
):
    job = _run_checked_import_with_a_failing(
        "customers.imports.writing.log_imported_customers",
        client_manager, django_capture_on_commit_callbacks, monkeypatch,
    )  # fmt: skip
    assert (job.status, job.progress, job.problem_count) == ("failed", 100, 1)
    assert job.problems[0]["message"].startswith("The import stopped on an unexpected error")
    assert not Transaction.objects.exists()


def test_a_recompute_that_fails_after_the_import_leaves_the_import_done(
    client_manager, django_capture_on_commit_callbacks, monkeypatch
):
    job = _run_checked_import_with_a_failing(
        "customers.tasks.recompute_customer_kpis.delay",
        client_manager, django_capture_on_commit_callbacks, monkeypatch,
    )  # fmt: skip
    assert (job.status, job.progress, job.result["created"]) == ("done", 100, 2)
    assert Transaction.objects.count() == 2


def test_the_templates_carry_the_header_and_an_example(client_manager):
    csv = client_manager.get(reverse("imports:template", args=["transactions", "csv"]))
    assert csv.content.decode().splitlines()[0] == (
        "customer_number,customer_name,kind,occurred_on,amount,currency,source,external_ref,"
        "due_on,paid_on"
    )
    xlsx = client_manager.get(reverse("imports:template", args=["customers", "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_upload_page_reads_in_german(client_manager):
    page = client_manager.get(reverse("imports:upload"), HTTP_ACCEPT_LANGUAGE="de")
    assert "Datei importieren" in page.content.decode()


def test_a_rep_sent_to_a_managers_page_is_told_why(client_a):
    response = client_a.get(reverse("imports:upload"), HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 403
    assert "Nur für Manager und Admins." in response.content.decode()


def test_problems_speak_the_language_the_uploader_switched_to(
    client_manager, manager, django_capture_on_commit_callbacks
):
    client_manager.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert manager.profile.language == "de"
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_manager, GOOD.replace(b"2026-01-16", b"16.13.2026"))
    assert ImportJob.objects.get().problems[0]["message"] == (
        "'16.13.2026' ist kein Datum (TT.MM.JJJJ oder JJJJ-MM-TT)"
    )


def test_problems_speak_the_language_of_the_page_the_file_came_from(
    client_manager, manager, django_capture_on_commit_callbacks
):
    UserProfile.objects.update_or_create(user=manager, defaults={"language": "en"})
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_manager, GOOD.replace(b"2026-01-16", b"16.13.2026"),
               HTTP_ACCEPT_LANGUAGE="de")  # fmt: skip
    assert ImportJob.objects.get().problems[0]["message"] == (
        "'16.13.2026' ist kein Datum (TT.MM.JJJJ oder JJJJ-MM-TT)"
    )


def test_customers_a_transaction_import_creates_are_listed_as_looked_after_by_nobody(
    client_manager, manager, django_capture_on_commit_callbacks
):
    CustomerFactory(number="K-9", owner=manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client_manager, GOOD)
    with django_capture_on_commit_callbacks(execute=True):
        client_manager.post(reverse("imports:run", args=[ImportJob.objects.get().pk]))
    page = client_manager.get(response.url).content.decode()
    assert "2 new customers have nobody looking after them yet:" in page
    assert '<a href="/customers/?owner=null">assign an owner</a>' in page
    listed = client_manager.get("/customers/?owner=null").content.decode()
    assert "K-1" in listed and "K-2" in listed and "K-9" not in listed
