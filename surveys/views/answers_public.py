"""The customer's answer page, reached without an account by the personal link's token.

Whatever the token, the page never answers with a server error and never shows another
customer's data: an unknown or malformed token, a survey not yet open, a closed one and an
answered one each get their own plain page. Every client address is limited in the pages it
reads, the answers it posts and above all the unknown links it tries, which is how a token
would be guessed.
"""

import re

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_http_methods

from aftersales.ratelimit import Limit

from ..forms.answers import PublicAnswerForm
from ..models import Campaign, Response
from ._answering import build_form, save_form

READS = Limit("survey-read", 30, 60)
WRITES = Limit("survey-write", 10, 60)
MISSES = Limit("survey-miss", 10, 600)
# Response.new_token(): 32 random bytes in URL-safe base64 (43 characters).
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _private(response):
    """Keep the page (and the token in its address) out of caches, search engines and other sites."""
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    # Not "no-referrer": under it browsers send "Origin: null" with the form's own POST,
    # which Django's CSRF check refuses. "same-origin" gives other sites nothing either.
    response["Referrer-Policy"] = "same-origin"
    return response


def _page(request, template, context=None, status=200):
    context = {"company_name": settings.COMPANY_NAME, **(context or {})}
    return _private(render(request, template, context, status=status))


def _find(token: str):
    if not TOKEN.fullmatch(token):
        return None
    return Response.objects.select_related("campaign__questionnaire", "customer").filter(token=token).first()


def _refusal(request, response):
    """Return the page for a link that cannot be answered now, or None when it can."""
    campaign = response.campaign
    context = {"campaign": campaign, "questionnaire": campaign.questionnaire}
    if campaign.state == Campaign.State.DRAFT:
        return _page(request, "surveys/answer_unknown.html", {**context, "not_open": True}, status=404)
    if response.is_submitted:
        return _page(request, "surveys/answer_done.html", context, status=410)
    if campaign.state != Campaign.State.OPEN or timezone.localdate() > campaign.closes_on:
        return _page(request, "surveys/answer_closed.html", context, status=410)
    return None


@ensure_csrf_cookie
@require_http_methods(["GET", "POST"])
def answer(request, token):
    limit = WRITES if request.method == "POST" else READS
    if limit.hit(request) or MISSES.exceeded(request):
        return _page(request, "surveys/answer_limited.html", status=429)
    response = _find(token)
    if response is None:
        MISSES.hit(request)
        return _page(request, "surveys/answer_unknown.html", status=404)
    refusal = _refusal(request, response)
    if refusal is not None:
        return refusal
    form = build_form(PublicAnswerForm, request, response, respondent=response.respondent)
    if request.method == "POST" and form.is_valid():
        if save_form(form, response, respondent=form.cleaned_data["respondent"]):
            if form.submitting:
                context = {"campaign": response.campaign, "questionnaire": response.campaign.questionnaire}
                return _page(request, "surveys/answer_thanks.html", context)
            messages.success(request, _("Your answers are saved. Open the same link again to go on."))
            return _private(redirect(request.path))
    context = {"response": response, "campaign": response.campaign, "form": form}
    return _page(request, "surveys/answer_form.html", {**context, "questionnaire": response.campaign.questionnaire})
