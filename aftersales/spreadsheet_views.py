"""Pages of the background spreadsheet jobs: upload, progress, problems, confirm, downloads.

A job is seen only by the user who started it; anyone else gets "not found", so the
pages do not tell whether a job exists. The progress fragment polls itself with htmx
while a worker is busy and reloads the page when the job reaches a new stage.
"""

import os

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST, require_safe

from . import importing
from .models import SpreadsheetJob

PROBLEMS_PER_PAGE = 50
JOBS_PER_PAGE = 50


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("An .xlsx, .xls or .csv file (UTF-8 or GBK)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm,.xls,.csv,.txt"}),
    )
    sheet = forms.CharField(
        label=pgettext_lazy("worksheet", "Sheet"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Leave empty to read the first sheet that has the columns."),
    )


def _importer(request, kind):
    try:
        importer = importing.importer_for(kind)
    except LookupError:
        raise Http404 from None
    if not importer.allowed(request.user):
        raise PermissionDenied
    return importer


def _job(request, pk) -> SpreadsheetJob:
    return get_object_or_404(SpreadsheetJob.objects.select_related("created_by"), pk=pk, created_by=request.user)


@login_required
def import_upload(request, kind):
    importer_class = _importer(request, kind)
    importer = importer_class(user=request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = importing.import_start(
                user=request.user, kind=kind, upload=upload, sheet=form.cleaned_data["sheet"].strip()
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("spreadsheet-job", pk=job.pk)
    recent = SpreadsheetJob.objects.filter(created_by=request.user, kind=kind).order_by("-pk")[:10]
    return render(
        request,
        "spreadsheets/import.html",
        {"form": form, "importer": importer, "kind": kind, "recent": recent},
    )


@login_required
@require_safe
def import_template(request, kind):
    importer = _importer(request, kind)(user=request.user)
    content = importing.template_workbook(importer)
    response = HttpResponse(
        content.read(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = _("%(title)s import template") % {"title": importer.title}
    response["Content-Disposition"] = _attachment(f"{name}.xlsx")
    return response


def _attachment(filename: str) -> str:
    from django.utils.encoding import escape_uri_path

    return f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"


def _context(request, job):
    context = {"job": job, "Status": SpreadsheetJob.Status}
    if job.direction == SpreadsheetJob.Direction.IMPORT:
        try:
            importer = importing.importer_for(job.kind)
        except LookupError:
            context["importer"] = None
        else:
            # Not the class itself: a template calls a callable, and an importer cannot be
            # built without its user, so the page would see an empty value.
            context["importer"] = {"kind": importer.kind, "title": importer.title}
    return context


@login_required
@require_safe
def job_detail(request, pk):
    job = _job(request, pk)
    context = _context(request, job)
    context.update(_problem_page(request, job))
    return render(request, "spreadsheets/job.html", context)


@login_required
@require_safe
def job_progress(request, pk):
    """The progress fragment; tells htmx to reload the page once the stage has changed."""
    job = _job(request, pk)
    seen = request.GET.get("status")
    if seen and seen != job.status:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "spreadsheets/_progress.html", _context(request, job))


def _problem_page(request, job) -> dict:
    problems = job.problems.order_by("id")
    try:
        after = int(request.GET.get("after", 0))
    except ValueError:
        after = 0
    page = list(problems.filter(id__gt=after)[: PROBLEMS_PER_PAGE + 1])
    more = len(page) > PROBLEMS_PER_PAGE
    page = page[:PROBLEMS_PER_PAGE]
    return {"problems": page, "next_after": page[-1].pk if more else None, "after": after}


@login_required
@require_safe
def job_problems(request, pk):
    job = _job(request, pk)
    context = {"job": job, **_problem_page(request, job)}
    return render(request, "spreadsheets/_problems.html", context)


@login_required
@require_POST
def job_confirm(request, pk):
    job = _job(request, pk)
    try:
        importing.import_confirm(user=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("spreadsheet-job", pk=job.pk)


@login_required
@require_POST
def job_cancel(request, pk):
    job = _job(request, pk)
    try:
        importing.import_cancel(user=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The import was cancelled; nothing was written."))
    return redirect("spreadsheet-job", pk=job.pk)


@login_required
@require_safe
def job_file(request, pk, which):
    """The uploaded file, or the report (problems of an import, the file of an export)."""
    job = _job(request, pk)
    if which not in ("file", "report"):
        raise Http404
    stored = getattr(job, which)
    if not stored:
        raise Http404
    if which == "file":
        name = job.original_name
    elif job.direction == SpreadsheetJob.Direction.EXPORT:
        name = job.original_name or os.path.basename(stored.name)
    else:
        stem = os.path.splitext(job.original_name)[0] or "import"
        name = _("%(name)s problems") % {"name": stem} + ".xlsx"
    return FileResponse(stored.open("rb"), as_attachment=True, filename=name)


@login_required
@require_safe
def job_list(request):
    jobs = SpreadsheetJob.objects.filter(created_by=request.user).order_by("-pk")
    try:
        before = int(request.GET.get("before", 0))
    except ValueError:
        before = 0
    if before:
        jobs = jobs.filter(pk__lt=before)
    page = list(jobs[: JOBS_PER_PAGE + 1])
    more = len(page) > JOBS_PER_PAGE
    page = page[:JOBS_PER_PAGE]
    importers = [(importer.kind, importer.title) for importer in importing.importers_for(request.user)]
    return render(
        request,
        "spreadsheets/jobs.html",
        {"jobs": page, "next_before": page[-1].pk if more else None, "importers": importers},
    )


def import_url(kind: str) -> str:
    return reverse("spreadsheet-import", args=[kind])
