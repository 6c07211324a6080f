"""One POST view per step on a complaint; each calls its service.

A step the user may not take now is refused with 403. A step the service turns down
(ValidationError) shows the complaint page again with the step's form open, its
errors marked and everything typed still in it.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import ACTION_FORMS
from .common import add_service_error, view_required
from .detail import render_detail


def _close(*, actor, complaint, form):
    closing, sections = form.split()
    with transaction.atomic():
        complaint = services.complaint_close(actor=actor, complaint=complaint, **closing)
        for section, data in sections:
            section.save(actor=actor, complaint=complaint, data=data)


def _attach(*, actor, complaint, form):
    with transaction.atomic():
        for upload in form.cleaned_data["files"]:
            services.attachment_add(actor=actor, complaint=complaint, upload=upload)


def _call(service: Callable) -> Callable:
    def run(*, actor, complaint, form):
        service(actor=actor, complaint=complaint, **form.cleaned_data)

    return run


HANDLERS = {
    "respond": (_call(services.complaint_respond), _("First response logged.")),
    "assign": (_call(services.complaint_assign), _("Complaint assigned.")),
    "pause": (_call(services.complaint_pause), _("Clock paused.")),
    "resume": (_call(services.complaint_resume), _("Clock resumed.")),
    "timetable": (_call(services.complaint_promise_timetable), _("Timetable recorded.")),
    "attach": (_attach, _("Files attached.")),
    "analysis": (_call(services.complaint_update_analysis), _("Analysis saved.")),
    "start_analysis": (_call(services.complaint_start_analysis), _("Analysis started.")),
    "submit_for_approval": (_call(services.complaint_submit_for_approval), _("Submitted for approval.")),
    "sign": (_call(services.complaint_sign_approval), _("Approval signed.")),
    "send_back": (_call(services.complaint_send_back), _("Sent back to analysis.")),
    "close": (_close, _("Complaint closed.")),
    "cancel": (_call(services.complaint_cancel), _("Complaint cancelled.")),
    "reopen": (_call(services.complaint_reopen), _("Complaint reopened.")),
}


@login_required
@view_required
@require_POST
def complaint_action(request, number, action):
    complaint = selectors.complaint_get(user=request.user, number=number)
    if action not in services.available_actions(complaint, request.user):
        raise PermissionDenied
    form = ACTION_FORMS[action](request.POST, request.FILES, complaint=complaint, user=request.user)
    if form.is_valid():
        run, done = HANDLERS[action]
        try:
            run(actor=request.user, complaint=complaint, form=form)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect(complaint)
    messages.error(request, _("That step was not taken: see the marked form below."))
    return render_detail(request, complaint, bound=form)
