"""The stage badges of quality sheets and corrective actions, built in Python for long lists.

An {% include %} per row and badge cost more than the rest of the row; the include
templates that single pages use call these tags too, so both show the same badge.
"""

from django import template
from django.utils.html import format_html

from ..models import CapaAction, QualitySheet

register = template.Library()

SHEET_COLOURS = {
    QualitySheet.State.DRAFT: "secondary",
    QualitySheet.State.INVESTIGATING: "primary",
    QualitySheet.State.UNDER_REVIEW: "info",
    QualitySheet.State.AWAITING_APPROVAL: "warning",
    QualitySheet.State.CLOSED: "success",
}
CAPA_COLOURS = {
    CapaAction.State.OPEN: "primary",
    CapaAction.State.COMPLETED: "warning",
    CapaAction.State.CLOSED: "success",
}
# The labels as get_state_display() gives them, without building the field's choices anew for every row.
SHEET_LABELS = dict(QualitySheet.State.choices)
CAPA_LABELS = dict(CapaAction.State.choices)


def _badge(colour: str, testid: str, state: str, label):
    return format_html(
        '<span class="badge text-bg-{}" data-testid="{}" data-state="{}">{}</span>', colour, testid, state, label
    )


@register.simple_tag
def sheet_state_badge(sheet):
    """Return the badge of a quality sheet's stage."""
    state = sheet.state
    return _badge(SHEET_COLOURS.get(state, "primary"), "sheet-state", state, SHEET_LABELS.get(state, state))


@register.simple_tag
def capa_state_badge(action):
    """Return the badge of a corrective or preventive action's stage."""
    state = action.state
    return _badge(CAPA_COLOURS.get(state, "secondary"), "capa-state", state, CAPA_LABELS.get(state, state))
