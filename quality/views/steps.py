"""One POST view per step on a sheet and on a department task; each calls its service.

A step the user may not take now is refused with 403. A step the service turns down
(ValidationError) shows the sheet page again with the step's form open, its errors
marked and everything typed still in it.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import SHEET_FORMS, TASK_FORMS
from .common import add_service_error, view_sheet_required
from .sheets import render_sheet, task_steps


def _call(service: Callable) -> Callable:
    def run(*, actor, sheet, form):
        service(actor=actor, sheet=sheet, **form.service_data())

    return run


def _attach(*, actor, sheet, form):
    with transaction.atomic():
        for upload in form.cleaned_data["files"]:
            services.sheet_attach(actor=actor, sheet=sheet, upload=upload)


def _capa(*, actor, sheet, form):
    services.capa_create(actor=actor, sheet=sheet, **form.service_data())


HANDLERS = {
    "assign": (_call(services.sheet_assign), _("Investigator assigned.")),
    "analysis": (_call(services.sheet_record_analysis), _("Analysis saved.")),
    "submit_analysis": (_call(services.sheet_submit_analysis), _("Analysis submitted for review.")),
    "review": (_call(services.sheet_review), _("Review passed; the sheet awaits approval.")),
    "send_back": (_call(services.sheet_send_back), _("Sent back to the investigator.")),
    "sign": (_call(services.sheet_sign_approval), _("Approval signed.")),
    "distribute": (_call(services.sheet_distribute), _("Sheet distributed to the departments.")),
    "assess": (_call(services.assessment_record), _("Assessment recorded.")),
    "capa": (_capa, _("Corrective action opened.")),
    "attach": (_attach, _("Evidence attached.")),
    "link": (_call(services.sheet_link_complaint), _("Complaint linked.")),
    "close": (_call(services.sheet_close), _("Sheet closed; the sales department can tell the customer.")),
    "inform": (_call(services.sheet_customer_informed), _("Recorded that the customer was told.")),
}
FAILED = _("That step was not taken: see the marked form below.")


@login_required
@view_sheet_required
@require_POST
def sheet_step(request, number, step):
    sheet = selectors.sheet_get(number=number, user=request.user)
    if step not in services.sheet_actions(sheet, request.user):
        raise PermissionDenied
    form = SHEET_FORMS[step](request.POST, request.FILES, record=sheet, user=request.user)
    if form.is_valid():
        run, done = HANDLERS[step]
        try:
            run(actor=request.user, sheet=sheet, form=form)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect(sheet)
    messages.error(request, FAILED)
    return render_sheet(request, sheet, bound=form)


TASK_HANDLERS = {
    "acknowledge": (services.task_acknowledge, _("Task received.")),
    "complete": (services.task_complete, _("Task reported done.")),
}


@login_required
@view_sheet_required
@require_POST
def task_step(request, number, pk, step):
    sheet = selectors.sheet_get(number=number, user=request.user)
    task = get_object_or_404(sheet.tasks, pk=pk)
    if step not in task_steps(sheet, task, request.user):
        raise PermissionDenied
    form = TASK_FORMS[step](request.POST, record=task, user=request.user, prefix=f"task-{task.pk}-{step}")
    if form.is_valid():
        service, done = TASK_HANDLERS[step]
        try:
            service(actor=request.user, task=task, **form.service_data())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect(sheet)
    messages.error(request, FAILED)
    return render_sheet(request, sheet, bound_task=form)
