"""Every waiting state has an owner: the record's page says who acts next, and that person finds it in their work."""

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales import outbox
from aftersales.tests.pages import english, source_language, waiting_line  # noqa: F401
from aftersales.waiting import Directory
from complaints import emails as complaint_emails
from complaints import services as complaint_services
from complaints.models import Complaint, Severity

from .. import selectors, services
from ..models import CapaAction, QualitySheet
from .factories import AssessmentFactory, CapaActionFactory, DepartmentTaskFactory, QualitySheetFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("source_language")]
S = QualitySheet.State


def _company_caused_submitted(people, customer, capture):
    complaint = complaint_services.complaint_create(
        actor=people.engineer,
        customer=customer,
        title="开关柜合闸异响",
        description="合闸时柜内有异常响声。",
        assignee=people.engineer,
    )
    complaint_services.complaint_respond(actor=people.engineer, complaint=complaint, reply="已收到，安排分析。")
    complaint_services.complaint_start_analysis(actor=people.engineer, complaint=complaint)
    complaint_services.complaint_update_analysis(
        actor=people.engineer,
        complaint=complaint,
        responsibility=Complaint.Responsibility.COMPANY,
        responsibility_reason="出厂时紧固件漏装",
        disposal=Complaint.Disposal.REPAIR,
        disposal_plan="上门更换紧固件",
    )
    with capture(execute=True):
        complaint_services.complaint_submit_for_approval(actor=people.engineer, complaint=complaint)
    outbox.dispatch()  # whatever the kick after the commit has not sent yet
    return Complaint.objects.get(pk=complaint.pk)


def test_a_submitted_company_caused_analysis_waits_on_the_quality_group_leader_everywhere(
    settings, people, customer, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "en"
    complaint = _company_caused_submitted(people, customer, django_capture_on_commit_callbacks)
    assert complaint.state == Complaint.State.AWAITING_APPROVAL

    # The quality group leader is told by e-mail, and nobody else is asked to raise the sheet.
    wanted = [m for m in mailoutbox if "Raise a quality information sheet" in m.subject]
    assert [m.to for m in wanted] == [[people.leader.email]]
    assert complaint.number in wanted[0].subject and "company-caused" in wanted[0].body

    # The engineer's page says who acts next.
    page = english(client_for(people.engineer)).get(complaint.get_absolute_url()).content.decode()
    expected = f"Quality group leader ({people.leader}) to raise a quality information sheet"
    assert waiting_line(page) == f"Waiting for: {expected}"

    # The after-sales manager sees it as waiting on the quality department, with the same words.
    mine = english(client_for(people.manager)).get(reverse("complaints:my_work")).content.decode()
    in_quality = mine.split('data-testid="waiting-in-quality"')[1]
    assert complaint.number in in_quality and expected in in_quality

    # The leader finds it in the work list with the button that raises the sheet.
    bench = client_for(people.leader).get(reverse("quality:workbench")).content.decode()
    assert f'data-testid="raise-from-{complaint.number}"' in bench.split('data-testid="mine-to-raise"')[1]


def test_once_raised_the_complaint_waits_for_its_sheet_and_no_one_is_asked_to_raise_it_again(
    settings, people, customer, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "en"
    complaint = _company_caused_submitted(people, customer, django_capture_on_commit_callbacks)
    sheet = services.sheet_raise(actor=people.sales, complaint=complaint)
    mailoutbox.clear()

    assert complaint_emails.quality_sheet_wanted(complaint) == 0
    assert mailoutbox == []
    engineer = english(client_for(people.engineer))
    line = waiting_line(engineer.get(complaint.get_absolute_url()).content.decode())
    assert line == f"Waiting for: {sheet.number}: Quality group leader ({people.leader}) to assign an investigator"
    bench = client_for(people.leader).get(reverse("quality:workbench")).content.decode()
    assert 'data-testid="mine-to-raise"' not in bench

    services.sheet_assign(actor=people.leader, sheet=sheet, investigator=people.investigator)
    line = waiting_line(engineer.get(complaint.get_absolute_url()).content.decode())
    assert f"{sheet.number}: Quality engineer ({people.investigator}) to record the root cause" in line
    sheet_page = english(client_for(people.manager)).get(sheet.get_absolute_url()).content.decode()
    assert waiting_line(sheet_page).startswith(f"Waiting for: Quality engineer ({people.investigator}) to record")


def _in_work(user, sheet) -> bool:
    """Return whether ``sheet`` (or one of its tasks or actions) is in the user's quality work list."""
    mine = selectors.my_tasks(user=user)
    sheets = [*mine.to_assign, *mine.investigating, *mine.to_review, *mine.to_sign, *mine.to_distribute]
    sheets += [*mine.to_complete, *mine.outcomes, *(t.sheet for t in mine.tasks)]
    sheets += [a.sheet for a in (*mine.actions, *mine.verifications)]
    return sheet.pk in {s.pk for s in sheets}


def _distributed(people, **done):
    sheet = QualitySheetFactory(state=S.IN_PROGRESS, approved=True, customer__salesperson=people.sales)
    DepartmentTaskFactory(sheet=sheet, owner=people.owner, done_at=timezone.now() if done.get("task") else None)
    if done.get("assessment"):
        AssessmentFactory(sheet=sheet)
    if "action" in done:
        CapaActionFactory(sheet=sheet, owner=people.investigator, **done["action"])
    return sheet


SHEETS = {
    "draft": lambda p: QualitySheetFactory(state=S.DRAFT),
    "investigating": lambda p: QualitySheetFactory(state=S.INVESTIGATING, investigator=p.investigator),
    "under_review": lambda p: QualitySheetFactory(state=S.UNDER_REVIEW, investigator=p.investigator, analysed=True),
    "to_sign": lambda p: QualitySheetFactory(state=S.AWAITING_APPROVAL, reviewed=True, severity=Severity.MAJOR),
    "gm_to_sign": lambda p: QualitySheetFactory(
        state=S.AWAITING_APPROVAL,
        reviewed=True,
        severity=Severity.MAJOR,
        approved_by=p.deputy,
        approved_at=timezone.now(),
    ),
    "to_distribute": lambda p: QualitySheetFactory(state=S.AWAITING_APPROVAL, approved=True),
    "tasks_open": lambda p: _distributed(p),
    "action_open": lambda p: _distributed(p, task=True, assessment=True, action={}),
    "action_done": lambda p: _distributed(p, task=True, assessment=True, action={"completed": True}),
    "to_close": lambda p: _distributed(p, task=True, assessment=True, action={"state": CapaAction.State.CLOSED}),
    "outcome_untold": lambda p: QualitySheetFactory(state=S.CLOSED, approved=True, customer__salesperson=p.sales),
}


@pytest.mark.parametrize("stage", list(SHEETS))
def test_whoever_a_sheet_waits_on_finds_it_in_their_work(stage, people):
    sheet = SHEETS[stage](people)
    directory = Directory()

    owed = sheet.waiting_on()

    assert owed, "an open stage waits for someone"
    waiting_on = {person for item in owed for person in directory.people_of(item)}
    assert waiting_on, [directory.describe(item) for item in owed]
    for person in waiting_on:
        assert _in_work(person, sheet), (person, [directory.describe(item) for item in owed])


def test_a_sheet_with_nothing_left_to_do_waits_for_nobody(people):
    sheet = QualitySheetFactory(state=S.CLOSED, approved=True, customer_informed_at=timezone.now())
    assert sheet.waiting_on() == []


def test_a_distributed_sheet_names_each_open_task_and_the_leaders_part(settings, people, client_for):
    sheet = _distributed(people)
    page = english(client_for(people.leader)).get(sheet.get_absolute_url()).content.decode()

    line = waiting_line(page)
    assert f"({people.owner}) to carry out the task of 生产部 by" in line
    assert f"Quality group leader ({people.leader}) to record the responsibility assessment" in line
    assert f"Quality group leader ({people.leader}) to open a corrective action" in line


def test_an_action_page_names_its_owner_then_the_verifier(settings, people, client_for):
    action = CapaActionFactory(owner=people.investigator, due_date=timezone.localdate())
    client = english(client_for(people.leader))

    line = waiting_line(client.get(action.get_absolute_url()).content.decode())
    assert line == (
        f"Waiting for: Quality engineer ({people.investigator}) to carry out the action by "
        f"{timezone.localdate():%Y-%m-%d}"
    )

    done = CapaActionFactory(owner=people.investigator, completed=True)
    line = waiting_line(client.get(done.get_absolute_url()).content.decode())
    assert line.startswith(f"Waiting for: Quality group leader ({people.leader}) to verify the effectiveness")
    bench = client_for(people.leader).get(reverse("quality:workbench")).content.decode()
    assert done.number in bench.split('data-testid="mine-verifications"')[1].split("</ul>")[0]


def test_a_role_nobody_holds_is_said_so(settings, people):
    people.leader.is_active = False
    people.leader.save()
    with_no_leader = Directory()

    text = with_no_leader.describe(QualitySheetFactory(state=S.DRAFT).waiting_on()[0])

    assert "nobody holds this role" in text or "无人" in text
