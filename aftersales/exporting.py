"""Exports too large for a request, written by a worker into a :class:`SpreadsheetJob`.

Each app registers its exports in ``AppConfig.ready`` with :func:`register_export`; the
``build(user, params)`` callable returns the sheets for :func:`aftersales.xlsx.write_workbook`,
with only the rows ``user`` may see. :func:`start_export` records the job and queues
:func:`aftersales.tasks.run_export` after commit; the worker writes the file and the
job's progress, and the user downloads the file from the job's page.
"""

import logging
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import SpreadsheetJob
from .xlsx import Sheet, write_workbook

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 2000


@dataclass(frozen=True)
class Export:
    kind: str
    title: str
    permission: str
    build: Callable[..., Iterable[Sheet]]


_registry: dict[str, Export] = {}


def register_export(kind: str, *, title, permission: str, build: Callable[..., Iterable[Sheet]]) -> None:
    """Offer the export ``kind``: ``build(user, params)`` returns its sheets, scoped to ``user``."""
    _registry[kind] = Export(kind=kind, title=title, permission=permission, build=build)


def get_export(kind: str) -> Export:
    return _registry[kind]


def start_export(*, user, kind: str, params: dict | None = None) -> SpreadsheetJob:
    """Record an export job for ``user`` and queue it once the transaction commits."""
    export = get_export(kind)
    if not user.has_perm(export.permission):
        raise PermissionDenied
    job = SpreadsheetJob.objects.create(
        direction=SpreadsheetJob.Direction.EXPORT,
        kind=kind,
        created_by=user,
        params={**(params or {}), "language": translation.get_language()},
    )
    transaction.on_commit(lambda: enqueue(job.pk))
    return job


def enqueue(job_id: int) -> None:
    from .tasks import run_export

    try:
        run_export.delay(job_id)
    except Exception:  # noqa: BLE001 — a broker that is down leaves the job queued, never an error page
        logger.warning("Export job %s could not be queued; the sweep queues it again.", job_id, exc_info=True)


def run_export(job_id: int) -> None:
    """Write the file of a queued export job; a failure is recorded on the job, not raised."""
    claimed = SpreadsheetJob.objects.filter(pk=job_id, status=SpreadsheetJob.Status.QUEUED).update(
        status=SpreadsheetJob.Status.WRITING, updated_at=timezone.now()
    )
    if not claimed:
        return  # already run, or cancelled
    job = SpreadsheetJob.objects.select_related("created_by").get(pk=job_id)
    with translation.override(job.params.get("language")):
        try:
            _write(job)
        except Exception:  # noqa: BLE001 — the user sees a sentence; the log keeps the traceback
            logger.exception("Export job %s failed.", job_id)
            _finish(job, SpreadsheetJob.Status.FAILED, failure=str(_fail_message()))


def _fail_message():
    return gettext_lazy("The export could not be written. Try again, or ask the administrator to check the log.")


def _write(job: SpreadsheetJob) -> None:
    export = get_export(job.kind)
    if not job.created_by.has_perm(export.permission):
        _finish(job, SpreadsheetJob.Status.FAILED, failure=_("You may no longer export this."))
        return
    progress = _Progress(job.pk)
    sheets = [
        replace(sheet, on_progress=progress, progress_every=PROGRESS_EVERY)
        for sheet in export.build(job.created_by, job.params)
    ]
    with tempfile.TemporaryFile() as output:
        total = write_workbook(output, sheets)
        output.seek(0)
        name = f"{export.title}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
        job.report.save(name, File(output), save=False)
    job.original_name = name  # what the download is called
    job.total_rows = job.processed_rows = total
    _finish(job, SpreadsheetJob.Status.DONE)


class _Progress:
    """Record rows written so far with a plain UPDATE, so the job's page can show it."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.done = 0

    def __call__(self, count: int) -> None:
        # Called every PROGRESS_EVERY rows of each sheet; the total runs across sheets.
        self.done += PROGRESS_EVERY
        SpreadsheetJob.objects.filter(pk=self.job_id).update(processed_rows=self.done, updated_at=timezone.now())


def _finish(job: SpreadsheetJob, status: str, failure: str = "") -> None:
    job.status = status
    job.failure = failure
    job.finished_at = job.updated_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "failure",
            "finished_at",
            "updated_at",
            "report",
            "total_rows",
            "processed_rows",
            "original_name",
        ]
    )


def job_redirect(request, job: SpreadsheetJob, fallback: str):
    """Send the user to the job's page, saying the file is being written."""
    messages.info(request, _("The file has many rows and is being written; it will be ready to download here."))
    try:
        return HttpResponseRedirect(reverse("spreadsheet-job", kwargs={"pk": job.pk}))
    except NoReverseMatch:  # the jobs' pages are not installed
        return HttpResponseRedirect(fallback)


def registered_exports() -> set[str]:
    return set(_registry)
