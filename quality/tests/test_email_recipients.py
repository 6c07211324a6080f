"""Who each quality message goes to, and that every message renders from its templates in templates/emails/."""

from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings

from aftersales import roles
from complaints.models import Severity
from customers.tests.factories import CustomerFactory
from quality.models import QualitySheet, SheetComplaint
from quality.tasks import send_quality_email

from .conftest import KINDS
from .factories import CapaActionFactory, CompanyComplaintFactory, DepartmentTaskFactory, QualitySheetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(people, make_user, customer):
    """Return a major sheet with its investigator, a task, a shared complaint and an action."""
    sheet = QualitySheetFactory(
        state=QualitySheet.State.CLOSED,
        approved=True,
        severity=Severity.MAJOR,
        customer=customer,
        investigator=people.investigator,
        raised_by=people.manager,
        outcome="已更换紧固件",
    )
    other_sales = make_user(roles.SALES, username="other_sales")
    shared = CompanyComplaintFactory(customer=CustomerFactory(salesperson=other_sales))
    SheetComplaint.objects.create(sheet=sheet, complaint=shared, linked_by=people.leader)
    task = DepartmentTaskFactory(sheet=sheet, owner=people.owner)
    action = CapaActionFactory(sheet=sheet, owner=people.owner, completed=True)
    return SimpleNamespace(sheet=sheet, task=task, action=action, other_sales=other_sales)


def _recipients(people, records):
    return {
        "sheet_raised": [people.leader],
        "sheet_assigned": [people.investigator],
        "sheet_for_review": [people.leader],
        "sheet_for_approval": [people.deputy, people.second_deputy, people.gm],
        "sheet_sent_back": [people.investigator],
        "sheet_approved": [people.clerk, people.manager],
        "sheet_distributed": [people.owner],
        # The sales department tells every customer of the sheet the outcome.
        "sheet_closed": [people.manager, people.sales, records.other_sales],
        "task_overdue": [people.owner],
        "capa_assigned": [people.owner],
        "capa_due_soon": [people.owner],
        "capa_overdue": [people.owner, people.leader],
        "capa_verification_due": [people.leader],
        "capa_verified": [people.owner],
        "capa_reopened": [people.owner],
    }


def _expected(kind, people, records):
    return {user.email for user in _recipients(people, records)[kind]}


def _object_id(kind, records):
    if kind.startswith("capa_"):
        return records.action.pk
    return records.task.pk if kind.startswith("task_") else records.sheet.pk


def test_every_message_kind_is_covered(people, records):
    assert set(_recipients(people, records)) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_each_message_goes_to_the_right_people(kind, people, records, mailoutbox):
    send_quality_email(kind, _object_id(kind, records))
    [message] = mailoutbox
    assert set(message.to) == _expected(kind, people, records)


def test_approval_request_of_a_general_sheet_skips_the_general_manager(people, mailoutbox):
    sheet = QualitySheetFactory(state=QualitySheet.State.AWAITING_APPROVAL, reviewed=True)
    send_quality_email("sheet_for_approval", sheet.pk)
    [message] = mailoutbox
    assert set(message.to) == {people.deputy.email, people.second_deputy.email}


def test_sent_back_message_gives_the_reason(people, mailoutbox):
    sheet = QualitySheetFactory(state=QualitySheet.State.INVESTIGATING, investigator=people.investigator)
    send_quality_email("sheet_sent_back", sheet.pk, reason="根因不充分")
    assert "根因不充分" in mailoutbox[0].body


def test_nothing_is_sent_without_recipients(mailoutbox):
    sheet = QualitySheetFactory(investigator=None)
    assert send_quality_email("sheet_assigned", sheet.pk) == 0
    assert mailoutbox == []


# --- the real templates -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_every_message_renders_from_its_templates(kind, people, records, mailoutbox):
    for suffix in ("subject.txt", "body.txt", "body.html"):
        assert (django_settings.BASE_DIR / "templates" / "emails" / f"quality_{kind}_{suffix}").exists()
    send_quality_email(
        kind, _object_id(kind, records), **({"reason": "根因不充分"} if kind == "sheet_sent_back" else {})
    )
    [message] = mailoutbox
    number = records.action.number if kind.startswith("capa_") else records.sheet.number
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert number in message.subject
    assert "\n" not in message.subject
    assert number in message.body
    assert number in html
    assert "{{" not in message.body and "{%" not in message.body
