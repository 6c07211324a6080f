"""The stage and severity badges of the quality lists: built by tags, the same HTML as the includes were."""

import pytest
from django.template import engines
from django.urls import reverse

from aftersales import roles as r
from complaints.models import Severity

from ..models import CapaAction, QualitySheet
from .factories import CapaActionFactory, QualitySheetFactory

# The include templates the lists rendered for every row, as they were.
OLD_SEVERITY = (
    "<span class=\"badge {% if severity == 'major' %}text-bg-danger{% elif severity == 'serious' %}text-bg-warning"
    '{% else %}text-bg-light border{% endif %}" data-testid="severity">{{ label }}</span>'
)
OLD_SHEET_STATE = (
    "<span class=\"badge text-bg-{% if sheet.state == 'draft' %}secondary{% elif sheet.state == 'investigating' %}"
    "primary{% elif sheet.state == 'under_review' %}info{% elif sheet.state == 'awaiting_approval' %}warning"
    '{% elif sheet.state == \'closed\' %}success{% else %}primary{% endif %}" data-testid="sheet-state" '
    'data-state="{{ sheet.state }}">{{ sheet.get_state_display }}</span>'
)
OLD_CAPA_STATE = (
    "<span class=\"badge text-bg-{% if action.state == 'open' %}primary{% elif action.state == 'completed' %}warning"
    '{% elif action.state == \'closed\' %}success{% else %}secondary{% endif %}" data-testid="capa-state" '
    'data-state="{{ action.state }}">{{ action.get_state_display }}</span>'
)


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize("state", [*QualitySheet.State.values, "unknown"])
def test_sheet_state_badge_is_the_html_of_the_old_include(state):
    sheet = QualitySheet(state=state)
    new = render("{% load quality_badges %}{% sheet_state_badge sheet %}", sheet=sheet)
    assert new == render(OLD_SHEET_STATE, sheet=sheet)
    assert render('{% include "quality/_sheet_state.html" %}', sheet=sheet) == new + "\n"


@pytest.mark.parametrize("state", [*CapaAction.State.values, "unknown"])
def test_capa_state_badge_is_the_html_of_the_old_include(state):
    action = CapaAction(state=state)
    new = render("{% load quality_badges %}{% capa_state_badge action %}", action=action)
    assert new == render(OLD_CAPA_STATE, action=action)
    assert render('{% include "quality/_capa_state.html" %}', action=action) == new + "\n"


@pytest.mark.parametrize("severity", [*Severity.values, "unknown"])
def test_severity_badge_is_the_html_of_the_old_include(severity):
    sheet = QualitySheet(severity=severity)
    context = {"severity": severity, "label": sheet.get_severity_display()}
    new = render("{% load complaint_badges %}{% severity_badge sheet.severity %}", sheet=sheet)
    assert new == render(OLD_SEVERITY, **context)
    assert render('{% include "quality/_severity.html" %}', **context) == new + "\n"
    told = {"severity": severity, "label": "重大 <&>"}
    told_html = render("{% load complaint_badges %}{% severity_badge severity label %}", **told)
    assert told_html == render(OLD_SEVERITY, **told)


def _templates(client, url):
    """Return the project templates a page renders (the filter form's widgets grow with the users, not the rows)."""
    response = client.get(url)
    assert response.status_code == 200
    return [t.name for t in response.templates if not t.name.startswith("django/forms/")]


def test_sheet_and_action_lists_render_no_template_per_row(client_for, db):
    client = client_for(r.QUALITY_LEADER)
    urls = [reverse("quality:workbench"), reverse("quality:capa_list")]

    def add(n):
        for i in range(n):
            QualitySheetFactory(state=QualitySheet.State.values[i % len(QualitySheet.State.values)])
            CapaActionFactory(notice=True)

    add(1)
    few = {url: _templates(client, url) for url in urls}
    add(6)
    many = {url: _templates(client, url) for url in urls}

    assert few == many
    for names in many.values():
        assert not {"quality/_sheet_state.html", "quality/_capa_state.html", "quality/_severity.html"} & set(names)
    assert client.get(urls[1]).content.decode().count('data-testid="capa-state"') == 7
