"""Staff pages of one response: keying in answers from paper or phone, and reading them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..forms.answers import StaffAnswerForm
from ..models import DISSATISFIED_AT, Answer, Campaign, Level, Question, Response
from ..selectors.questions import questions_for
from ._answering import build_form, save_form


def _visible_response(user, pk):
    """Return the response if the user may see its customer; 404 otherwise, as if it did not exist."""
    responses = Response.objects.visible_to(user).select_related(
        "campaign__questionnaire", "customer__salesperson", "entered_by", "contact"
    )
    return get_object_or_404(responses, pk=pk)


@login_required
@permission_required("surveys.enter_response", raise_exception=True)
@require_http_methods(["GET", "POST"])
def response_enter(request, pk):
    response = _visible_response(request.user, pk)
    if response.is_submitted:
        messages.info(request, _("These answers were already submitted; they cannot be changed."))
        return redirect("surveys:response", pk=response.pk)
    channel = response.channel if response.channel != Response.Channel.ONLINE else Response.Channel.PAPER
    form = build_form(StaffAnswerForm, request, response, channel=channel, respondent=response.respondent)
    if request.method == "POST" and form.is_valid():
        extra = {"actor": request.user, "channel": form.cleaned_data["channel"]}
        if save_form(form, response, respondent=form.cleaned_data["respondent"], **extra):
            if form.submitting:
                messages.success(request, _("The answers were submitted."))
                return redirect("surveys:response", pk=response.pk)
            messages.success(request, _("The answers were saved as a draft."))
            return redirect("surveys:response_enter", pk=response.pk)
    open_for_entry = response.campaign.state in (Campaign.State.OPEN, Campaign.State.CLOSED)
    context = {"response": response, "form": form, "open_for_entry": open_for_entry}
    return render(request, "surveys/answers_enter.html", context)


@login_required
@permission_required("surveys.view_response", raise_exception=True)
def response_detail(request, pk):
    response = _visible_response(request.user, pk)
    questions = questions_for(response.campaign.questionnaire_id, response.customer)
    answers = {a.question_id: a for a in Answer.objects.filter(response=response).prefetch_related("choices")}
    rows = [_row(question, answers.get(question.pk)) for question in questions]
    context = {
        "response": response,
        "rows": rows,
        "dissatisfied": sum(row["dissatisfied"] for row in rows),
        "may_enter": request.user.has_perm("surveys.enter_response") and not response.is_submitted,
        # No one to e-mail the link to: whom to call, or send the paper questionnaire to.
        "phone_or_paper": None
        if response.contact and response.contact.email
        else list(response.customer.contacts.all()),
    }
    return render(request, "surveys/answers_detail.html", context)


def _row(question, answer) -> dict:
    """Return what one question's line shows: the answer in words and whether it is a dissatisfied one."""
    shown, dissatisfied = "", False
    if answer is not None:
        if question.kind == Question.Kind.SCALE and answer.score is not None:
            shown = f"{answer.score} · {Level(answer.score).label}"
            dissatisfied = answer.score <= DISSATISFIED_AT
        elif question.kind == Question.Kind.NPS and answer.score is not None:
            shown = str(answer.score)
        elif question.kind == Question.Kind.TEXT:
            shown = answer.text
        else:
            shown = "；".join(c.text for c in answer.choices.all())
    return {"question": question, "shown": shown, "dissatisfied": dissatisfied}
