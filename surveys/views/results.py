"""Results pages: the figures, concluding, the management-review report, findings, exports, the customer tab."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.keyset import paginate
from aftersales.xlsx import XLSX_TYPE, xlsx_response
from customers.selectors import customer_get

from ..exports_results import answer_sheets
from ..forms.results import ConcludeForm, FindingForm, FollowUpForm
from ..models import Campaign, Question, Response
from ..reports import analysis_sheets, csi_formula
from ..selectors import results as selectors
from ..services import results as services

view_campaign_required = permission_required("surveys.view_campaign", raise_exception=True)
export_required = permission_required("surveys.export_campaign", raise_exception=True)


def _campaign(pk) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("questionnaire", "concluded_by"), pk=pk)


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _charts(figures) -> dict:
    """Return the chart data the page's script draws (passed with json_script)."""
    return {
        "levels": {
            "labels": [str(label) for _value, label in _levels()],
            "values": [figures["levels"].get(str(v), 0) for v, _label in _levels()],
        },
        "dimensions": {
            "labels": [d["label"] for d in figures["dimensions"]],
            "values": [d["mean"] for d in figures["dimensions"]],
            "previous": [
                (figures.get("previous") or {}).get("dimensions", {}).get(d["dimension"]) for d in figures["dimensions"]
            ],
        },
        "tiers": {
            "labels": [t["tier"] for t in figures["tiers"]],
            "values": [t["satisfaction"] for t in figures["tiers"]],
        },
    }


def _levels():
    from ..models import Level

    return [(level.value, level.label) for level in Level]


@login_required
@view_campaign_required
def campaign_results(request, pk):
    campaign = _campaign(pk)
    figures, frozen = selectors.results_for_page(campaign, request.user)
    page = paginate(selectors.dissatisfied(campaign, request.user), request.GET)
    context = {
        "campaign": campaign,
        "figures": figures,
        "frozen": frozen,
        "charts": _charts(figures),
        "levels": _levels(),
        "formula": csi_formula(),
        "page": page,
        "follow_up_form": FollowUpForm(),
        "may_find": services.may_create_finding(request.user),
        "may_conclude": request.user.has_perm("surveys.conclude_campaign") and campaign.state == Campaign.State.CLOSED,
    }
    if request.htmx and request.GET.get("page"):
        return render(request, "surveys/results_dissatisfied.html", context)
    return render(request, "surveys/results_campaign.html", context)


@login_required
@require_POST
def response_follow_up(request, pk):
    response = get_object_or_404(
        Response.objects.visible_to(request.user).select_related("customer", "campaign"), pk=pk
    )
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            response = services.response_follow_up(
                actor=request.user, response=response, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            _form_errors(form, error)
    status = 200 if form.is_valid() and not form.errors else 422
    if not request.htmx:
        if status == 200:
            messages.success(request, _("Follow-up recorded."))
        else:
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        if request.POST.get("back") == "response":  # sent from the response's own page
            return redirect("surveys:response", response.pk)
        return redirect("surveys:campaign_results", response.campaign_id)
    return render(request, "surveys/results_follow_up.html", {"row": response, "form": form}, status=status)


@login_required
@permission_required("surveys.conclude_campaign", raise_exception=True)
def campaign_conclude(request, pk):
    campaign = _campaign(pk)
    answered = campaign.responses.submitted().count()
    below = answered < campaign.target_answers
    form = ConcludeForm(request.POST or None, below_target=below)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_conclude(
                actor=request.user,
                campaign=campaign,
                reason=form.cleaned_data.get("reason", ""),
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Campaign concluded; its figures are frozen and the report is ready."))
            return redirect("surveys:campaign_results", campaign.pk)
    context = {"campaign": campaign, "form": form, "answered": answered, "below": below}
    return render(request, "surveys/results_conclude.html", context, status=422 if form.errors else 200)


@login_required
@view_campaign_required
def campaign_report(request, pk):
    campaign = _campaign(pk)
    figures, frozen = selectors.results_for_page(campaign, request.user)
    findings = campaign.findings.select_related("question", "capa", "capa__owner")
    context = {
        "campaign": campaign,
        "figures": figures,
        "frozen": frozen,
        "levels": _levels(),
        "formula": csi_formula(),
        "findings": findings,
        "printed_at": timezone.now(),
    }
    return render(request, "surveys/results_report.html", context)


def _xlsx_name(campaign, what) -> str:
    return f"{what}-{campaign.year}-{campaign.pk}.xlsx"


@login_required
@export_required
def campaign_report_xlsx(request, pk):
    campaign = _campaign(pk)
    sees_all = request.user.has_perm("customers.view_all_customers")
    if campaign.report and sees_all:
        try:
            handle = campaign.report.open("rb")
        except FileNotFoundError as missing:
            raise Http404 from missing
        return FileResponse(handle, as_attachment=True, filename=_xlsx_name(campaign, "report"), content_type=XLSX_TYPE)
    figures = selectors.campaign_results(campaign, user=request.user)
    provisional = campaign.state != Campaign.State.CONCLUDED or not sees_all
    name = _xlsx_name(campaign, "report-provisional" if provisional else "report")
    return xlsx_response(name, analysis_sheets(campaign, figures, provisional=provisional))


@login_required
@export_required
def campaign_export_analysis(request, pk):
    campaign = _campaign(pk)
    figures = selectors.campaign_results(campaign, user=request.user)
    provisional = campaign.state != Campaign.State.CONCLUDED
    return xlsx_response(_xlsx_name(campaign, "analysis"), analysis_sheets(campaign, figures, provisional=provisional))


@login_required
@export_required
def campaign_export_answers(request, pk):
    campaign = _campaign(pk)
    return xlsx_response(_xlsx_name(campaign, "answers"), answer_sheets(campaign, request.user))


@login_required
def finding_create(request, pk):
    if not services.may_create_finding(request.user):
        raise PermissionDenied
    campaign = _campaign(pk)
    initial = {}
    question = Question.objects.filter(
        questionnaire_id=campaign.questionnaire_id, pk=request.GET.get("question") or 0
    ).first()
    if question is not None:
        initial = {"question": question.pk, "dimension": question.dimension, "problem": question.text}
    elif request.GET.get("dimension"):
        initial = {"dimension": request.GET["dimension"]}
    form = FindingForm(request.POST or None, campaign=campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.finding_create(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Action %(number)s opened from the finding.") % {"number": finding.capa.number})
            return redirect("surveys:campaign_results", campaign.pk)
    return render(
        request,
        "surveys/results_finding.html",
        {"campaign": campaign, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@permission_required("surveys.view_response", raise_exception=True)
def customer_tab(request, pk):
    """Return the satisfaction-survey tab of the customer page (an htmx partial)."""
    customer = customer_get(user=request.user, pk=pk)
    rows = list(selectors.customer_responses(customer, request.user))
    return render(request, "surveys/results_customer_tab.html", {"customer": customer, "rows": rows})
