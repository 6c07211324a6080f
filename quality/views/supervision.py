"""Service-quality supervision pages: the list, a check's page and its steps, the print record, the overview."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aftersales.keyset import query_without_page
from aftersales.waiting import Directory, Owed
from aftersales.xlsx import xlsx_response

from .. import selectors_supervision as selectors
from ..exports_supervision import checks_sheet
from ..forms_supervision import CheckCreateForm, CheckEditForm, FindingForm, MeetingForm, NoticeForm
from ..models.supervision import CheckFinding, SupervisionCheck
from ..services import supervision as services

_QUALITY_PERMS = ("quality.view_qualitysheet", "quality.conduct_supervisioncheck")


def _view_required(view):
    def wrapped(request, *args, **kwargs):
        selectors.require_view(request.user)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return login_required(wrapped)


def _service_error(form, error: ValidationError) -> None:
    """Put a service's errors on the form's fields where the names match, else on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    for item in error.error_list:
        form.add_error(item.code if item.code in form.fields else None, item)


@_view_required
def supervision_list(request):
    page = selectors.check_page(user=request.user, filters=request.GET)
    context = {
        "page": page,
        "query": query_without_page(request),
        "units": selectors.units(),
        "kinds": SupervisionCheck.Kind.choices,
        "states": SupervisionCheck.State.choices,
        "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        "chosen": request.GET,
        "may_conduct": services.may_conduct(request.user),
    }
    template = "quality/supervision_rows.html" if request.htmx else "quality/supervision_list.html"
    return render(request, template, context)


@_view_required
def supervision_xlsx(request):
    """Download the checks the list's filters select, as xlsx."""
    sheet = checks_sheet(user=request.user, filters=request.GET)
    return xlsx_response(f"supervision-checks-{timezone.localdate():%Y%m%d}.xlsx", [sheet])


@login_required
@require_http_methods(["GET", "POST"])
def supervision_create(request):
    if not services.may_conduct(request.user):
        raise PermissionDenied
    form = CheckCreateForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                check = services.check_create(actor=request.user, **form.service_data())
            except ValidationError as error:
                _service_error(form, error)
            else:
                messages.success(request, _("Check %(number)s started.") % {"number": check.number})
                return redirect(check)
        messages.error(request, _("The check was not started: correct the marked fields."))
    return render(request, "quality/supervision_create.html", {"form": form})


def _waiting(check: SupervisionCheck, findings) -> list[str]:
    owed = []
    if check.state == SupervisionCheck.State.DRAFT:
        owed.append(Owed(_("score the checklist and complete the check"), people=(check.checker,)))
    else:
        if check.meeting_held_on is None:
            owed.append(Owed(_("hold the service-quality analysis meeting"), people=(check.checker,)))
        for finding in findings:
            if finding.severity == CheckFinding.Severity.MAJOR and finding.notice_id is None:
                owed.append(Owed(_("issue the rectification notice of a major finding"), "quality_leader"))
                break
    directory = Directory()
    return [directory.describe(item) for item in owed]


def render_check(request, check, *, forms=None, status=200):
    forms = forms or {}
    records = selectors.check_records(check)
    user = request.user
    draft = check.state == SupervisionCheck.State.DRAFT
    may_conduct = services.may_conduct(user, check)
    may_issue = services.may_issue_notice(user)
    typed = forms.get("typed_scores")
    if typed is not None:
        # Show what was typed, not what is stored, so a refused save loses nothing.
        invalid = forms.get("invalid_items", set())
        for row in records.scores:
            if row.item_id in typed:
                row.score, row.remark = typed[row.item_id]
            row.invalid = row.item_id in invalid
    for finding in records.findings:
        if finding.notice_id is None and may_issue:
            finding.form = forms.get(f"notice-{finding.pk}") or NoticeForm.for_finding(finding)
    context = {
        "check": check,
        "records": records,
        "draft": draft,
        "may_conduct": may_conduct,
        "may_meet": not draft and user.has_perm(services.CONDUCT),
        "may_issue": may_issue,
        "edit_form": forms.get("edit")
        or CheckEditForm(
            initial={
                "checked_on": check.checked_on,
                "other_checkers": check.other_checkers,
                "customers_met": check.customers_met,
                "summary": check.summary,
            }
        ),
        "finding_form": forms.get("finding") or FindingForm(),
        "meeting_form": forms.get("meeting")
        or MeetingForm(
            initial={"held_on": check.meeting_held_on or timezone.localdate(), "notes": check.meeting_notes}
        ),
        "score_errors": forms.get("scores", []),
        "waiting": _waiting(check, records.findings),
    }
    template = "quality/supervision_detail.html"
    return render(request, template, context, status=status)


@_view_required
def supervision_detail(request, number):
    return render_check(request, selectors.check_get(user=request.user, number=number))


def _step(request, number, run, form_name, form=None, done=""):
    check = selectors.check_get(user=request.user, number=number)
    if callable(form):
        form = form(check)
    if form is not None and not form.is_valid():
        messages.error(request, _("That step was not taken: see the marked form below."))
        return render_check(request, check, forms={form_name: form}, status=400)
    try:
        run(check, form.cleaned_data if form is not None else None)
    except ValidationError as error:
        if form is None:
            messages.error(request, " ".join(error.messages))
            return render_check(request, check, status=400)
        _service_error(form, error)
        # A refusal not about a field (the check was completed meanwhile) is said at the top: its form may be gone.
        general = form.non_field_errors()
        messages.error(
            request, " ".join(general) if general else _("That step was not taken: see the marked form below.")
        )
        return render_check(request, check, forms={form_name: form}, status=400)
    messages.success(request, done)
    return redirect(check)


@login_required
@require_POST
def supervision_edit(request, number):
    def run(check, data):
        services.check_update(actor=request.user, check=check, **data)

    return _step(request, number, run, "edit", CheckEditForm(request.POST), _("Check details saved."))


@login_required
@require_POST
def supervision_score(request, number):
    check = selectors.check_get(user=request.user, number=number)
    scores = {}
    for row in check.scores.all():
        key = str(row.item_id)
        if f"score-{key}" in request.POST:
            scores[row.item_id] = (request.POST.get(f"score-{key}", "").strip(), request.POST.get(f"remark-{key}", ""))
    try:
        services.check_score(actor=request.user, check=check, scores=scores)
    except ValidationError as error:
        messages.error(request, _("The scores were not saved: correct the marked items."))
        invalid = {item.params["item_id"] for item in error.error_list if item.params and "item_id" in item.params}
        forms = {"scores": error.messages, "typed_scores": scores, "invalid_items": invalid}
        return render_check(request, check, forms=forms, status=400)
    messages.success(request, _("Scores saved."))
    return redirect(check)


@login_required
@require_POST
def supervision_finding(request, number):
    def run(check, data):
        services.check_add_finding(actor=request.user, check=check, **data)

    return _step(request, number, run, "finding", FindingForm(request.POST), _("Finding recorded."))


@login_required
@require_POST
def supervision_complete(request, number):
    def run(check, data):
        services.check_complete(actor=request.user, check=check)

    return _step(request, number, run, "complete", None, _("Check completed."))


@login_required
@require_POST
def supervision_meeting(request, number):
    def run(check, data):
        services.check_record_meeting(actor=request.user, check=check, **data)

    def form(check):
        return MeetingForm(request.POST, check=check)

    return _step(request, number, run, "meeting", form, _("Analysis meeting recorded."))


@login_required
@require_POST
def supervision_issue_notice(request, number, pk):
    check = selectors.check_get(user=request.user, number=number)
    if not services.may_issue_notice(request.user):
        raise PermissionDenied
    finding = get_object_or_404(CheckFinding.objects.select_related("check_record__unit"), pk=pk, check_record=check)
    form = NoticeForm.for_finding(finding, request.POST)
    if form.is_valid():
        try:
            action = services.finding_issue_notice(actor=request.user, finding=finding, **form.cleaned_data)
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("Rectification notice %(number)s issued.") % {"number": action.number})
            return redirect(check)
    messages.error(request, _("The notice was not issued: correct the marked fields."))
    return render_check(request, check, forms={form.prefix: form}, status=400)


@_view_required
def supervision_print(request, number):
    """Print the 《客服质量检查记录》 of a check."""
    check = selectors.check_get(user=request.user, number=number)
    return render(
        request, "quality/supervision_print.html", {"check": check, "records": selectors.check_records(check)}
    )


@_view_required
def supervision_overview(request):
    today = timezone.localdate()
    year = selectors._int(request.GET.get("year"), today.year)
    if not 2000 <= year <= today.year + 1:
        year = today.year
    data = selectors.overview(user=request.user, year=year, today=today)
    context = {"overview": data, "previous": year - 1, "next": year + 1 if year < today.year else None}
    return render(request, "quality/supervision_overview.html", context)


def work_context(request) -> dict:
    return selectors.work(request.user)


def home_card(request) -> dict:
    user = request.user
    if not user.has_perm(selectors.VIEW) or not any(user.has_perm(p) for p in _QUALITY_PERMS):
        return {}
    year = timezone.localdate().year
    done = selectors.site_surveys_done(year)
    target = selectors.SITE_SURVEYS_PER_YEAR
    return {"year": year, "done": done, "target": target, "missing": max(target - done, 0)}
