"""The follow-up call (回访) after a complaint closes, and the list of recent calls."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from complaints.models import Complaint

from .. import selectors
from ..forms import FollowUpForm
from ..services import follow_up_log
from . import add_service_errors, list_context


@login_required
@permission_required("servicing.add_followup", raise_exception=True)
@require_http_methods(["GET", "POST"])
def follow_up_create(request, number):
    """Record the call; an unsatisfied customer (1 or 2 out of 5) reopens the complaint."""
    complaint = selectors.complaint_get(user=request.user, number=number)
    form = FollowUpForm(request.POST or None, complaint=complaint)
    is_closed = complaint.state == Complaint.State.CLOSED
    if request.method == "POST" and form.is_valid():
        try:
            follow_up = follow_up_log(actor=request.user, complaint=complaint, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if follow_up.reopened:
                messages.warning(
                    request,
                    _("The customer is not satisfied: complaint %(number)s has been reopened for analysis.")
                    % {"number": complaint.number},
                )
            else:
                messages.success(request, _("Follow-up call recorded."))
            return redirect(complaint)
    context = {"complaint": complaint, "form": form, "is_closed": is_closed}
    return render(request, "servicing/follow_up_form.html", context, status=200 if is_closed else 409)


@login_required
@permission_required("servicing.view_followup", raise_exception=True)
def follow_up_list(request):
    """Recent follow-up calls with their satisfaction figures (averaged in SQL over the filter)."""
    follow_up_filter, rows = selectors.follow_up_list(user=request.user, params=request.GET)
    context = list_context(request, follow_up_filter, rows, selectors.LIST_PAGE_SIZE)
    context["summary"] = selectors.satisfaction_summary(follow_up_filter.qs)
    context["attitudes"] = [
        {
            "name": f"{row['complaint__assignee__last_name']}{row['complaint__assignee__first_name']}".strip()
            or row["complaint__assignee__username"],
            "calls": row["calls"],
            "average": row["average"],
        }
        for row in selectors.attitude_by_engineer(follow_up_filter.qs)
    ]
    return render(request, "servicing/follow_up_list.html", context)
