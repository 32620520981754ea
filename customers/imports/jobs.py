"""An ImportJob's two steps, each committed as it goes so the page can follow them: the
check (a dry run that writes nothing) and, on request, the import itself."""

import logging
from dataclasses import asdict

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from customers.imports import ImportFailed, Problem, run_import
from customers.models import ImportJob

MAX_PROBLEMS_KEPT = 1000
logger = logging.getLogger(__name__)


def _progress(job: ImportJob):
    def report(percent: int, step: str) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress=percent, step=step[:100])

    return report


def _language(job: ImportJob) -> str:
    """Problems are reported in the language of the page the file was uploaded from, else
    the uploader's."""
    profile = getattr(job.uploaded_by, "profile", None) if job.uploaded_by else None
    return job.language or getattr(profile, "language", None) or settings.LANGUAGE_CODE


def _run(job: ImportJob, *, dry_run: bool) -> None:
    with translation.override(_language(job)):
        _run_in_language(job, dry_run=dry_run)


def _run_in_language(job: ImportJob, *, dry_run: bool) -> None:
    try:
        result = run_import(job.kind, bytes(job.content), job.filename, dry_run=dry_run,
                            progress=_progress(job), actor_id=job.uploaded_by_id)  # fmt: skip
    except ImportFailed as failed:
        _fail(job, failed.problems, dry_run=dry_run)
        return
    except Exception:
        # All or nothing: the writing rolled back. The job must not wait at its last step
        # for ever; the error itself goes to the log.
        logger.exception("import job %s stopped", job.pk)
        stopped = _("The import stopped on an unexpected error and wrote nothing. Try again; "
                    "should it stop again, tell your administrator.")  # fmt: skip
        _fail(job, [Problem(None, None, "", stopped)], dry_run=dry_run)
        raise
    done = {"status": ImportJob.Status.CHECKED if dry_run else ImportJob.Status.DONE,
            "result": result.as_dict(), "progress": 100}  # fmt: skip
    if not dry_run:
        done |= {"content": b"", "finished_at": timezone.now()}
    ImportJob.objects.filter(pk=job.pk).update(**done)


def _fail(job: ImportJob, problems: list[Problem], *, dry_run: bool) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.INVALID if dry_run else ImportJob.Status.FAILED,
        problems=[asdict(p) for p in problems[:MAX_PROBLEMS_KEPT]],
        problem_count=len(problems), progress=100, step="", finished_at=timezone.now(),
    )  # fmt: skip


def check_job(job_id: int) -> None:
    job = ImportJob.objects.get(pk=job_id)
    if job.status == ImportJob.Status.CHECKING:
        _run(job, dry_run=True)


def import_job(job_id: int) -> None:
    """Runs once: a second call finds the job no longer waiting to import."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.CHECKED).update(
        status=ImportJob.Status.IMPORTING, progress=0
    )
    if claimed:
        _run(ImportJob.objects.get(pk=job_id), dry_run=False)
