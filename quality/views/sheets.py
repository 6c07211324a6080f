"""The sheet page (the whole chain on one screen), raising a sheet, and its evidence files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from complaints.models import Complaint

from .. import rules, selectors, services, waiting
from ..forms import SHEET_FORMS, TASK_FORMS, SheetRaiseForm
from ..models import QualitySheet, SheetComplaint
from ..sight import mask_sheet, visible_files
from .common import add_service_error, optional_url, panels, view_sheet_required

# The steps in the order a sheet meets them, with their button's label and colour.
STEPS = [
    ("assign", gettext_lazy("Assign the investigator"), "primary"),
    ("analysis", gettext_lazy("Record the analysis"), "outline-primary"),
    ("submit_analysis", gettext_lazy("Submit for review"), "primary"),
    ("review", gettext_lazy("Pass the review"), "success"),
    ("sign", gettext_lazy("Sign the approval"), "success"),
    ("send_back", gettext_lazy("Send back to the investigator"), "outline-warning"),
    ("distribute", gettext_lazy("Distribute to the departments"), "primary"),
    ("assess", gettext_lazy("Record an assessment"), "outline-primary"),
    ("capa", gettext_lazy("Open a corrective action"), "outline-primary"),
    ("close", gettext_lazy("Close the sheet"), "success"),
    ("inform", gettext_lazy("Customer told the outcome"), "success"),
    ("attach", gettext_lazy("Attach evidence"), "outline-secondary"),
    ("link", gettext_lazy("Link another complaint"), "outline-secondary"),
]
DISTRIBUTED = (QualitySheet.State.DISTRIBUTED, QualitySheet.State.IN_PROGRESS)


def task_steps(sheet: QualitySheet, task, user) -> set[str]:
    """Return what ``user`` may do on a department task now: the owner signs for it and reports it done."""
    if sheet.state not in DISTRIBUTED or task.done_at is not None:
        return set()
    steps = set()
    owner = task.owner_id == user.pk
    if task.acknowledged_at is None and (owner or rules.is_clerk(sheet, user)):
        steps.add("acknowledge")
    if owner or rules.is_leader(sheet, user):
        steps.add("complete")
    return steps


def _task_rows(sheet, tasks, user, today, bound=None) -> list[dict]:
    rows = []
    for task in tasks:
        steps = task_steps(sheet, task, user)
        forms = {}
        for step in sorted(steps):
            prefix = f"task-{task.pk}-{step}"
            is_bound = bound is not None and bound.prefix == prefix
            forms[step] = {
                "form": bound if is_bound else TASK_FORMS[step](record=task, user=user, prefix=prefix),
                "url": reverse(f"quality:task_{step}", args=[sheet.number, task.pk]),
                "open": is_bound,
            }
        rows.append({"task": task, "overdue": task.is_overdue(today), "steps": forms})
    return rows


def _export_links(sheet, user) -> list[tuple[str, str]]:
    if not user.has_perm("quality.export_qualitysheet"):
        return []
    links = [
        (_("Print the sheet"), optional_url("quality:sheet_print", sheet.number)),
        (_("8D report"), optional_url("quality:eightd", sheet.number)),
        (_("8D report (Excel)"), optional_url("quality:eightd_xlsx", sheet.number)),
    ]
    return [(label, url) for label, url in links if url]


def render_sheet(request, sheet: QualitySheet, *, bound=None, bound_task=None, status: int = 200):
    """Render the sheet page; ``bound`` is a step's form (``bound_task`` a task's) shown again with its errors."""
    user, today = request.user, timezone.localdate()
    allowed = services.sheet_actions(sheet, user)
    chain = selectors.sheet_chain(sheet, user)
    scope = selectors.affected_scope(sheet, user)
    context = {
        "sheet": sheet,
        "chain": chain,
        "scope": scope,
        "scope_limit": selectors.MODEL_SCOPE_LIMIT,
        "task_rows": _task_rows(sheet, chain.tasks, user, today, bound_task),
        "panels": panels(
            STEPS, allowed, SHEET_FORMS, record=sheet, user=user, url_prefix="sheet", args=[sheet.number], bound=bound
        ),
        "blockers": sheet.blockers() if "close" in allowed else [],
        "export_links": _export_links(sheet, user),
        "waiting": waiting.describe(sheet.waiting_on()),
        "today": today,
    }
    # Only now, with every service run and every form built: the page shows the masked sheet.
    mask_sheet(sheet, user)
    return render(request, "quality/sheet_detail.html", context, status=status)


@login_required
@view_sheet_required
def sheet_detail(request, number):
    return render_sheet(request, selectors.sheet_get(number=number, user=request.user))


@login_required
@view_sheet_required
def file_download(request, number, pk):
    """Stream an evidence file to those who may see the sheet's files; everyone else gets a 404."""
    if not request.user.has_perm("quality.view_sheetfile"):
        raise Http404
    sheet = get_object_or_404(QualitySheet.objects.visible_to(request.user), number=number)
    item = get_object_or_404(visible_files(sheet, request.user, sheet.files.all()), pk=pk)
    return item.download()


def _complaint_for_raising(request, number: str) -> Complaint | None:
    if not number:
        return None
    queryset = Complaint.objects.visible_to(request.user).select_related("customer", "product_model")
    return get_object_or_404(queryset, number=number.strip().upper())


@login_required
@permission_required("quality.raise_qualitysheet", raise_exception=True)
@require_http_methods(["GET", "POST"])
def sheet_raise(request):
    """Raise a sheet from a company-caused complaint (?complaint=<number>, prefilled) or from field data."""
    complaint = _complaint_for_raising(request, request.POST.get("complaint") or request.GET.get("complaint", ""))
    if complaint is not None:
        link = SheetComplaint.objects.filter(complaint=complaint).select_related("sheet").first()
        if link is not None:
            messages.info(request, _("Complaint %(number)s already has a sheet.") % {"number": complaint.number})
            return redirect(link.sheet)
    if request.method == "POST":
        form = SheetRaiseForm(request.POST, user=request.user, complaint=complaint)
        if form.is_valid():
            try:
                sheet = services.sheet_raise(actor=request.user, complaint=complaint, **form.service_data())
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Quality information sheet %(number)s raised.") % {"number": sheet.number})
                return redirect(sheet)
        messages.error(request, _("The sheet was not raised yet: correct the marked fields."))
    else:
        form = SheetRaiseForm(user=request.user, complaint=complaint)
    not_company = complaint is not None and complaint.responsibility != Complaint.Responsibility.COMPANY
    return render(
        request, "quality/sheet_raise.html", {"form": form, "complaint": complaint, "not_company": not_company}
    )
