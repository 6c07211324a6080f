"""The badges of a complaint: severity, stage and service level.

Built in Python rather than with one {% include %} per badge: a 50-row list rendered about
240 included templates, which was most of the page's time.
"""

from django import template
from django.utils.html import format_html

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


@register.simple_tag
def severity_badge(severity, label=None):
    """Return the badge of a severity (a complaint's or a quality sheet's), labelled as its choice unless told."""
    css = SEVERITY_CLASSES.get(severity, "text-bg-light border")
    if label is None:
        label = SEVERITY_LABELS.get(severity, severity)
    return format_html('<span class="badge {}" data-testid="severity">{}</span>', css, label)


@register.simple_tag
def state_badge(complaint):
    """Return the badge of the complaint's stage."""
    state = complaint.state
    label = STATE_LABELS.get(state, state)
    return format_html(
        '<span class="badge text-bg-{}" data-testid="state">{}</span>', STATE_COLOURS.get(state, "secondary"), label
    )


@register.simple_tag
def sla_badge(badge, prefix=""):
    """Return a service-level badge (a views.common.Badge), its label after ``prefix`` when given."""
    label = format_html("{}: {}", prefix, badge.label) if prefix else badge.label
    return format_html('<span class="badge text-bg-{}" data-sla="{}">{}</span>', badge.colour, badge.status, label)
