"""Repair quotes (维修报价): prepare, revise, send, record the customer's answer, print."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from complaints.models import Complaint

from .. import selectors
from ..forms import QuoteAnswerForm, QuoteForm, QuoteSendForm, line_formset
from ..models import Quote
from ..services import quote_create, quote_record_answer, quote_send, quote_update
from . import add_service_errors

view_required = permission_required("servicing.view_quote", raise_exception=True)


def _form_page(request, complaint: Complaint, quote: Quote | None = None):
    initial = {}
    if quote is not None:
        initial = {"tax_rate": quote.tax_rate, "valid_until": quote.valid_until, "notes": quote.notes}
    form = QuoteForm(request.POST or None, initial=initial)
    lines = line_formset(request.POST or None, quote)
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        data = {**form.cleaned_data, "lines": lines.lines()}
        try:
            if quote is None:
                quote = quote_create(actor=request.user, complaint=complaint, **data)
            else:
                quote = quote_update(actor=request.user, quote=quote, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Quote %(number)s saved.") % {"number": quote.number})
            return redirect(quote)
    context = {"form": form, "lines": lines, "complaint": complaint, "quote": quote}
    return render(request, "servicing/quote_form.html", context)


@login_required
@permission_required("servicing.add_quote", raise_exception=True)
@require_http_methods(["GET", "POST"])
def quote_new(request, number):
    complaint = selectors.complaint_get(user=request.user, number=number)
    return _form_page(request, complaint)


@login_required
@view_required
@permission_required("servicing.change_quote", raise_exception=True)
@require_http_methods(["GET", "POST"])
def quote_edit(request, pk):
    quote = selectors.quote_get(user=request.user, pk=pk)
    if quote.state != Quote.State.DRAFT:
        messages.error(request, _("Only a draft quote can change; prepare a revision instead."))
        return redirect(quote)
    return _form_page(request, quote.complaint, quote)


def render_quote(request, quote: Quote, *, send_form=None, answer_form=None, status=200):
    user = request.user
    can_send = quote.state == Quote.State.DRAFT and user.has_perm("servicing.change_quote")
    can_answer = quote.state == Quote.State.SENT and Quote.accept._django_fsm.has_transition_perm(
        quote, quote.state, user
    )
    context = {
        "quote": quote,
        "complaint": quote.complaint,
        "send_form": (send_form or QuoteSendForm()) if can_send else None,
        "answer_form": (answer_form or QuoteAnswerForm()) if can_answer else None,
        "can_edit": can_send,
        "primary_contact": quote.complaint.customer.contacts.filter(is_primary=True).first(),
    }
    return render(request, "servicing/quote_detail.html", context, status=status)


@login_required
@view_required
def quote_detail(request, pk):
    return render_quote(request, selectors.quote_get(user=request.user, pk=pk))


@login_required
@view_required
@permission_required("servicing.change_quote", raise_exception=True)
@require_POST
def quote_send_view(request, pk):
    quote = selectors.quote_get(user=request.user, pk=pk)
    form = QuoteSendForm(request.POST)
    if form.is_valid():
        try:
            quote = quote_send(actor=request.user, quote=quote, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Quote %(number)s recorded as sent.") % {"number": quote.number})
            return redirect(quote)
    return render_quote(request, quote, send_form=form, status=400)


@login_required
@view_required
@permission_required("servicing.answer_quote", raise_exception=True)
@require_POST
def quote_answer(request, pk):
    quote = selectors.quote_get(user=request.user, pk=pk)
    if not Quote.accept._django_fsm.has_transition_perm(quote, quote.state, request.user) and (
        quote.state == Quote.State.SENT
    ):
        raise PermissionDenied
    form = QuoteAnswerForm(request.POST)
    if form.is_valid():
        try:
            quote = quote_record_answer(actor=request.user, quote=quote, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The customer's answer is recorded."))
            return redirect(quote)
    return render_quote(request, quote, answer_form=form, status=400)


@login_required
@view_required
def quote_print(request, pk):
    """Render the quote as the paper form, for the browser to print on A4."""
    quote = selectors.quote_get(user=request.user, pk=pk)
    context = {
        "quote": quote,
        "complaint": quote.complaint,
        "company": settings.COMPANY_NAME,
        "company_address": settings.COMPANY_ADDRESS,
        "contact": quote.complaint.contact or quote.complaint.customer.contacts.filter(is_primary=True).first(),
    }
    return render(request, "servicing/quote_print.html", context)
