"""What the complaint pages share: service-level badges and turning service errors into form errors."""

import functools
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..models import Complaint, SlaStatus
from ..models.complaint import worse_status

view_required = permission_required("complaints.view_complaint", raise_exception=True)
add_required = permission_required("complaints.add_complaint", raise_exception=True)

# Codes of the services' ValidationErrors and the form field each belongs to.
FIELD_BY_CODE = {
    "file_type": ("attachments", "files"),
    "file_size": ("attachments", "files"),
    "file_empty": ("attachments", "files"),
    "file_content": ("attachments", "files"),
    "delivery": ("serial_number",),
    "received_at": ("received_at",),
    "delivery_date": ("delivery_date",),
    "reply": ("reply",),
    "reason": ("reason",),
    "timetable": ("timetable",),
    "date": ("promised_date",),
    "acceptance_date": ("acceptance_date",),
    "assignee": ("assignee",),
}


@dataclass(frozen=True)
class Badge:
    status: str
    label: str
    colour: str

    @classmethod
    def of(cls, status: str) -> "Badge":
        return cls(status, str(SlaStatus.LABELS[status]), SlaStatus.COLOURS[status])


@dataclass(frozen=True)
class Sla:
    """A complaint's service levels as the pages show them."""

    overall: Badge
    response: Badge
    resolution: Badge
    time_left: str
    overdue: bool


@functools.lru_cache(maxsize=8)
def _texts(language) -> dict[str, str]:
    """The time-left phrases in ``language``, translated once: a list asked for them twice a row."""
    return {
        "days": _("%(days)d d %(hours)d h"),
        "hours": _("%(hours)d h %(minutes)d min"),
        "minutes": _("%(minutes)d min"),
        "overdue": _("%(time)s overdue"),
        "left": _("%(time)s left"),
    }


def duration_text(delta: timedelta) -> str:
    texts = _texts(get_language())
    seconds = int(abs(delta.total_seconds()))
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes = seconds // 60
    if days:
        return texts["days"] % {"days": days, "hours": hours}
    if hours:
        return texts["hours"] % {"hours": hours, "minutes": minutes}
    return texts["minutes"] % {"minutes": minutes}


def sla_of(complaint: Complaint, now, badges: dict | None = None) -> Sla:
    """Return the complaint's service levels; ``badges`` memoises the badge of each status across a list."""
    if badges is None:
        badges = {}
    response, resolution = complaint.response_status(now), complaint.resolution_status(now)
    overall = worse_status(response, resolution)  # Complaint.sla_status, without reading both again
    for status in (overall, response, resolution):
        if status not in badges:
            badges[status] = Badge.of(status)
    left = complaint.time_left(now) if complaint.is_open else None
    if left is None:
        text = ""
    elif left < timedelta(0):
        text = _texts(get_language())["overdue"] % {"time": duration_text(left)}
    else:
        text = _texts(get_language())["left"] % {"time": duration_text(left)}
    return Sla(
        overall=badges[overall],
        response=badges[response],
        resolution=badges[resolution],
        time_left=text,
        overdue=left is not None and left < timedelta(0),
    )


def with_sla(complaints, now=None):
    """Attach ``.sla`` to each complaint (computed from the row alone) and return them."""
    now, badges = now or timezone.now(), {}  # one badge per status (its label translated once)
    for complaint in complaints:
        complaint.sla = sla_of(complaint, now, badges)
    return complaints


def add_service_error(form, error: ValidationError) -> None:
    """Show a service's ValidationError on ``form``: on its field where one matches, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    for item in error.error_list:
        fields = [name for name in FIELD_BY_CODE.get(item.code, ()) if name in form.fields]
        form.add_error(fields[0] if fields else None, item)
