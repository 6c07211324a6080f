"""The badges of a complaint: severity, stage and service level.

Built in Python rather than with one {% include %} per badge: a 50-row list rendered about
240 included templates, which was most of the page's time.
"""

import functools
import html

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..models import Complaint, Severity

register = template.Library()

SEVERITY_CLASSES = {Severity.MAJOR: "text-bg-danger", Severity.SERIOUS: "text-bg-warning"}
STATE_COLOURS = {
    Complaint.State.RECEIVED: "info",
    Complaint.State.ANALYSING: "primary",
    Complaint.State.AWAITING_APPROVAL: "warning",
    Complaint.State.RECTIFYING: "primary",
    Complaint.State.CLOSED: "success",
}
# The labels as get_FOO_display() gives them, without building the field's choices anew for every row.
SEVERITY_LABELS = dict(Severity.choices)
STATE_LABELS = dict(Complaint.State.choices)


def _e(value) -> str:
    """Escape like Django's ``escape`` (the same characters), without its lazy-string wrapper."""
    return html.escape(str(value))


def _severity_html(severity, label=None) -> str:
    css = SEVERITY_CLASSES.get(severity, "text-bg-light border")
    if label is None:
        label = SEVERITY_LABELS.get(severity, severity)
    return f'<span class="badge {css}" data-testid="severity">{_e(label)}</span>'


def _state_html(state) -> str:
    colour, label = STATE_COLOURS.get(state, "secondary"), STATE_LABELS.get(state, state)
    return f'<span class="badge text-bg-{colour}" data-testid="state">{_e(label)}</span>'


@functools.lru_cache(maxsize=64)
def _badges(language) -> tuple[dict, dict]:
    """The severity and stage badges of every choice in ``language``, built once (a list shows them on every row)."""
    severities = {value: _severity_html(value) for value in SEVERITY_LABELS}
    states = {value: _state_html(value) for value in STATE_LABELS}
    return severities, states


def _title(text: str, length: int = 60) -> str:
    """``Truncator(text).chars(length)``, without building a Truncator for the titles that fit."""
    return text if len(text) <= length else Truncator(text).chars(length)


def _sla_html(badge, prefix="") -> str:
    label = f"{_e(prefix)}: {_e(badge.label)}" if prefix else _e(badge.label)
    return f'<span class="badge text-bg-{_e(badge.colour)}" data-sla="{_e(badge.status)}">{label}</span>'


@register.simple_tag
def severity_badge(severity, label=None):
    """Return the badge of a severity (a complaint's or a quality sheet's), labelled as its choice unless told."""
    return mark_safe(_severity_html(severity, label))


@register.simple_tag
def state_badge(complaint):
    """Return the badge of the complaint's stage."""
    return mark_safe(_state_html(complaint.state))


@register.simple_tag
def sla_badge(badge, prefix=""):
    """Return a service-level badge (a views.common.Badge), its label after ``prefix`` when given."""
    return mark_safe(_sla_html(badge, prefix))


def _detail_urls():
    """Return a function giving a complaint page's URL from its number, reversing the route once per list.

    ``reverse()`` cost about as much as the rest of a row; every number takes the same route.
    """
    sample = "TS-200001-0001"
    pattern = reverse("complaints:detail", args=[sample])
    head, tail = pattern.split(sample)
    return lambda number: f"{head}{number}{tail}"


def _cell(value) -> str:
    return "" if value in (None, "") else str(value)


@register.simple_tag
def complaint_rows(rows, show_waiting=False, empty_text=""):
    """Return the <tr> of each complaint of a list (with ``.sla``, and ``.waiting`` when shown).

    One tag for the whole body rather than template markup per row: a 50-row page spent
    more time resolving the row's variables and filters than reading the rows.
    """
    url_of = None
    out = []
    severities, states = _badges(get_language())
    for complaint in rows:
        url_of = url_of or _detail_urls()
        url, sla, number = _e(url_of(complaint.number)), complaint.sla, _e(complaint.number)
        model = complaint.product_model
        unit = f"{_cell(model.code) if model else ''} {complaint.serial_number or _cell(complaint.batch_number)}"
        received = timezone.localtime(complaint.received_at).strftime("%Y-%m-%d %H:%M")
        overdue = " text-danger fw-semibold" if sla.overdue else ""
        out.append(
            f'<tr data-number="{number}">\n'
            f'      <td class="text-nowrap"><a href="{url}">{number}</a></td>\n'
            f'      <td class="text-nowrap">{received}</td>\n'
            f"      <td>{_e(complaint.customer.name)}</td>\n"
            f'      <td class="small">{_e(unit)}</td>\n'
            f'      <td><a href="{url}" class="text-body">{_e(_title(complaint.title))}</a></td>\n'
            f"      <td>{severities.get(complaint.severity) or _severity_html(complaint.severity)}</td>\n"
            f"      <td>{states.get(complaint.state) or _state_html(complaint.state)}</td>\n"
            f"      <td>{_sla_html(sla.overall)}</td>\n"
            f'      <td class="text-nowrap small{overdue}">{_e(sla.time_left)}</td>\n'
            f"      <td>{_e(complaint.assignee or '—')}</td>\n"
        )
        if show_waiting:
            waiting = "; ".join(str(item) for item in complaint.waiting) or "—"
            out.append(f'      <td class="small" data-testid="waiting-{number}">{_e(waiting)}</td>\n')
        out.append("    </tr>\n")
    if not out:
        colspan = 11 if show_waiting else 10
        text = _e(empty_text or _("No complaints match."))
        out.append(f'<tr><td colspan="{colspan}" class="text-center text-muted py-4">{text}</td></tr>\n')
    return mark_safe("".join(out))
