"""The complaint page and its attachments."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import rules, selectors, waiting
from ..forms import ACTION_FORMS
from ..models import Complaint
from ..panels import panels_for
from ..services import available_actions
from .common import sla_of, view_required

# The steps in the order a complaint meets them, with their button's label and colour.
ACTIONS = [
    ("respond", _("Log the first response"), "primary"),
    ("start_analysis", _("Start the analysis"), "primary"),
    ("analysis", _("Record the analysis"), "outline-primary"),
    ("submit_for_approval", _("Submit for approval"), "primary"),
    ("sign", _("Sign the approval"), "success"),
    ("send_back", _("Send back to analysis"), "outline-warning"),
    ("close", _("Close with the customer's acceptance"), "success"),
    ("assign", _("Assign"), "outline-secondary"),
    ("pause", _("Pause the clock"), "outline-secondary"),
    ("resume", _("Resume the clock"), "outline-secondary"),
    ("timetable", _("Promise a timetable"), "outline-secondary"),
    ("attach", _("Attach files"), "outline-secondary"),
    ("reopen", _("Reopen"), "outline-warning"),
    ("cancel", _("Cancel the complaint"), "outline-danger"),
]


def _panels(request, complaint: Complaint, bound=None) -> list[dict]:
    allowed = available_actions(complaint, request.user)
    panels = []
    for name, label, style in ACTIONS:
        if name not in allowed:
            continue
        is_bound = bound is not None and bound.action == name
        form = bound if is_bound else ACTION_FORMS[name](complaint=complaint, user=request.user)
        url = reverse(f"complaints:{name}", args=[complaint.number])
        panels.append({"name": name, "label": label, "style": style, "form": form, "url": url, "open": is_bound})
    return panels


def render_detail(request, complaint: Complaint, *, bound=None, status: int = 200):
    """Render the complaint page; ``bound`` is a step's form to show again with its errors."""
    records = selectors.complaint_records(complaint)
    waiting.describe([complaint])
    context = {
        "complaint": complaint,
        "sla": sla_of(complaint, timezone.now()),
        "records": records,
        "panels": _panels(request, complaint, bound),
        "extra_panels": panels_for(request, complaint),
    }
    return render(request, "complaints/detail.html", context, status=status)


@login_required
@view_required
def complaint_detail(request, number):
    complaint = selectors.complaint_get(user=request.user, number=number)
    return render_detail(request, complaint)


@login_required
def attachment_download(request, number, pk):
    """Stream an attachment to those who may see its complaint; everyone else gets a 404."""
    complaint = selectors.complaint_get(user=request.user, number=number)
    attachment = get_object_or_404(complaint.attachments, pk=pk)
    if not rules.can_see(complaint, request.user):
        raise Http404
    return attachment.download()
