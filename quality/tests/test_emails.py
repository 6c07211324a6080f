"""Every quality message: its recipients, subject, facts, dates in Beijing time, reason and link."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from complaints.models import Severity
from customers.tests.factories import ProductModelFactory

from .. import emails, services
from ..models import QualitySheet
from .factories import CapaActionFactory, CompanyComplaintFactory, DepartmentTaskFactory, QualitySheetFactory

pytestmark = pytest.mark.django_db

RAISED = datetime.datetime(2026, 11, 20, 17, 30, tzinfo=datetime.UTC)  # 01:30 on the 21st in Beijing
TITLE = "柜门变形 <KYN28> & 无法关闭"
DUE = datetime.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"  # messages go out in the site's language; assert on the source text


@pytest.fixture
def sheet(people, customer):
    sheet = QualitySheetFactory(
        state=QualitySheet.State.INVESTIGATING,
        source=QualitySheet.Source.COMPLAINT,
        title=TITLE,
        severity=Severity.MAJOR,
        customer=customer,
        product_model=ProductModelFactory(code="KYN28A-12"),
        batch_number="B2611",
        serial_number="KY20260001",
        raised_by=people.sales,
        raised_at=RAISED,
        investigator=people.investigator,
        investigation_due=DUE,
        analysed=True,
    )
    complaint = CompanyComplaintFactory(customer=customer)
    sheet.complaint_links.create(complaint=complaint, linked_by=people.sales)
    return sheet


@pytest.fixture
def task(people, sheet):
    return DepartmentTaskFactory(sheet=sheet, owner=people.owner, due_date=datetime.date(2026, 11, 25))


@pytest.fixture
def action(people, sheet):
    return CapaActionFactory(
        sheet=sheet,
        owner=people.owner,
        problem="=柜门钣金折弯尺寸超差",
        planned_action="折弯工序增加首件检验",
        due_date=datetime.date(2026, 12, 15),
        verification_due=datetime.date(2027, 1, 14),
    )


def _addresses(*users) -> list[str]:
    return sorted({user.email for user in users})


SHEET_RECIPIENTS = {
    "sheet_raised": lambda p: (p.leader,),
    "sheet_assigned": lambda p: (p.investigator,),
    "sheet_for_review": lambda p: (p.leader,),
    "sheet_for_approval": lambda p: (p.deputy, p.second_deputy, p.gm),  # major: the general manager too
    "sheet_sent_back": lambda p: (p.investigator,),
    "sheet_approved": lambda p: (p.clerk, p.sales),
    "sheet_distributed": lambda p: (p.owner,),
    "sheet_closed": lambda p: (p.sales,),
}
SHEET_SUBJECTS = {
    "sheet_raised": "Quality sheet raised",
    "sheet_assigned": "Investigation assigned to you",
    "sheet_for_review": "Analysis to review",
    "sheet_for_approval": "Approval needed",
    "sheet_sent_back": "Quality sheet sent back",
    "sheet_approved": "Disposal approved",
    "sheet_distributed": "distributed to your department",
    "sheet_closed": "Quality sheet closed",
}
CAPA_RECIPIENTS = {
    "capa_assigned": lambda p: (p.owner,),
    "capa_due_soon": lambda p: (p.owner,),
    "capa_overdue": lambda p: (p.owner, p.leader),
    "capa_verification_due": lambda p: (p.leader,),
    "capa_verified": lambda p: (p.owner,),
    "capa_reopened": lambda p: (p.owner,),
}
CAPA_SUBJECTS = {
    "capa_assigned": "Action assigned to you",
    "capa_due_soon": "Action due soon",
    "capa_overdue": "Action overdue",
    "capa_verification_due": "Effectiveness verification due",
    "capa_verified": "Action verified effective",
    "capa_reopened": "Action not effective, reopened",
}


def _send_sheet(name, sheet):
    extra = {"reason": "五问分析未追到根本原因"} if name == "sheet_sent_back" else {}
    with timezone.override("UTC"):  # whatever zone is active, the message shows Beijing time
        return emails.SHEET_MESSAGES[name](sheet, **extra)


def _html(message) -> str:
    return message.alternatives[0][0]


def test_every_message_is_covered():
    assert set(SHEET_SUBJECTS) == set(emails.SHEET_MESSAGES)
    assert set(CAPA_SUBJECTS) == set(emails.CAPA_MESSAGES)
    assert set(emails.TASK_MESSAGES) == {"task_overdue"}


@pytest.mark.parametrize("name", list(SHEET_SUBJECTS))
def test_sheet_message_goes_to_the_right_people_with_subject_and_link(name, people, sheet, task, mailoutbox):
    assert _send_sheet(name, sheet) == 1

    [message] = mailoutbox
    assert message.to == _addresses(*SHEET_RECIPIENTS[name](people))
    assert SHEET_SUBJECTS[name] in message.subject
    assert sheet.number in message.subject and TITLE in message.subject  # plain text, not HTML-escaped
    link = settings.SITE_URL + sheet.get_absolute_url()
    assert sheet.number in link
    assert link in message.body
    assert f'href="{link}"' in _html(message)


@pytest.mark.parametrize("name", list(SHEET_SUBJECTS))
def test_sheet_message_states_the_facts_and_dates_in_beijing_time(name, people, sheet, task, mailoutbox):
    _send_sheet(name, sheet)

    [message] = mailoutbox
    complaint = sheet.complaints.get()
    facts = [
        sheet.number,
        sheet.customer.name,
        sheet.customer.code,
        "KYN28A-12",
        "B2611",
        "KY20260001",
        complaint.number,
        "Major",
        "Investigating",
        str(people.investigator),
        "2026-11-21 01:30",  # raised, in Beijing time
        "Investigation due",
        "2026-11-27",
    ]
    for fact in facts:
        assert fact in message.body, fact
        assert fact in _html(message), fact
    assert TITLE in message.body
    assert "柜门变形 &lt;KYN28&gt; &amp; 无法关闭" in _html(message)


def test_sent_back_gives_the_reason(sheet, mailoutbox):
    _send_sheet("sheet_sent_back", sheet)

    [message] = mailoutbox
    assert "Reason: 五问分析未追到根本原因" in message.body
    assert "五问分析未追到根本原因" in _html(message)


def test_for_review_and_approval_carry_the_analysis(sheet, mailoutbox):
    _send_sheet("sheet_for_review", sheet)
    _send_sheet("sheet_for_approval", sheet)

    for message in mailoutbox:
        assert "Root-cause category: Production quality" in message.body
        assert sheet.analysis in message.body and sheet.proposed_disposal in message.body
    assert "general manager's signature" in mailoutbox[1].body  # a major sheet


def test_distributed_lists_each_department_task_with_its_due_date(people, sheet, task, mailoutbox):
    emails.sheet_distributed(sheet)

    [message] = mailoutbox
    assert f"{task.department} · {people.owner} · due 2026-11-25: {task.requirement}" in message.body
    assert "2026-11-25" in _html(message) and task.requirement in _html(message)


def test_closed_gives_the_outcome_for_the_customer(sheet, mailoutbox):
    sheet.closed_at, sheet.outcome = RAISED + datetime.timedelta(days=9), "更换柜门，客户已确认"
    _send_sheet("sheet_closed", sheet)

    [message] = mailoutbox
    assert "Outcome for the customer:\n更换柜门，客户已确认" in message.body
    assert "Closed at: 2026-11-30 01:30" in message.body


def test_task_overdue_goes_to_the_owner_with_the_due_date(people, sheet, task, mailoutbox):
    assert emails.task_overdue(task) == 1

    [message] = mailoutbox
    assert message.to == _addresses(people.owner)
    assert "Department task overdue" in message.subject and sheet.number in message.subject
    assert "Task due: 2026-11-25" in message.body
    assert task.requirement in message.body and task.requirement in _html(message)
    assert settings.SITE_URL + sheet.get_absolute_url() in message.body


@pytest.mark.parametrize("name", list(CAPA_SUBJECTS))
def test_action_message_goes_to_the_right_people_with_facts_dates_and_link(name, people, action, mailoutbox):
    action.verified_by, action.verified_at = people.leader, RAISED
    action.verification_note = "抽查 20 台柜门均合格"
    with timezone.override("UTC"):
        assert emails.CAPA_MESSAGES[name](action) == 1

    [message] = mailoutbox
    assert message.to == _addresses(*CAPA_RECIPIENTS[name](people))
    assert CAPA_SUBJECTS[name] in message.subject and action.number in message.subject
    link = settings.SITE_URL + action.get_absolute_url()
    assert action.number in link
    assert link in message.body and f'href="{link}"' in _html(message)
    facts = [
        action.number,
        action.sheet.number,
        action.sheet.customer.name,
        "KYN28A-12",
        "B2611",
        "KY20260001",
        "=柜门钣金折弯尺寸超差",
        "折弯工序增加首件检验",
        str(people.owner),
        "Open",
        "Due date",
        "2026-12-15",
        "Verification due",
        "2027-01-14",
    ]
    for fact in facts:
        assert fact in message.body, fact
        assert fact in _html(message), fact


def test_verified_and_reopened_give_the_verification(people, action, mailoutbox):
    action.verified_by, action.verified_at = people.leader, RAISED
    action.verification_note, action.times_reopened = "复查仍有 2 台柜门变形", 1
    emails.capa_reopened(action)
    emails.capa_verified(action)

    reopened, verified = mailoutbox
    assert "Why it was not effective:\n复查仍有 2 台柜门变形" in reopened.body
    assert "Times found not effective: 1" in reopened.body
    assert "due on 2026-12-15" in reopened.body
    assert f"Verified: 2026-11-21 01:30 {people.leader}" in verified.body


def test_rectification_notice_names_the_unit_and_the_reply_deadline(people, mailoutbox):
    notice = CapaActionFactory(notice=True, owner=people.owner, reply_deadline=datetime.date(2026, 12, 5))
    emails.capa_assigned(notice)

    [message] = mailoutbox
    assert "Unit to rectify: 华东服务站" in message.body
    assert "Written reply due: 2026-12-05" in message.body
    assert "rectification notice" in message.body
    assert notice.source_reference in message.body
    assert "回访记录不全" in message.body and "回访记录不全" in _html(message)


def test_verification_due_says_what_was_done(people, mailoutbox):
    done = CapaActionFactory(completed=True, owner=people.owner, completed_at=RAISED)
    emails.capa_verification_due(done)

    [message] = mailoutbox
    assert "Completed at: 2026-11-21 01:30" in message.body
    assert done.completion_note in message.body
    assert "Awaiting verification" in message.body


def test_messages_render_in_the_default_chinese_site_language(settings, people, sheet, task, action, mailoutbox):
    settings.LANGUAGE_CODE = "zh-hans"
    for name in emails.SHEET_MESSAGES:
        _send_sheet(name, sheet)
    for name in emails.CAPA_MESSAGES:
        emails.CAPA_MESSAGES[name](action)
    emails.task_overdue(task)

    assert len(mailoutbox) == len(emails.SHEET_MESSAGES) + len(emails.CAPA_MESSAGES) + 1
    for message in mailoutbox:
        assert sheet.number in message.body
        assert settings.SITE_URL in message.body


def test_a_sheet_without_customer_or_investigator_says_so(people, mailoutbox):
    field_sheet = QualitySheetFactory(customer=None, product_model=None, batch_number="", serial_number="")
    emails.sheet_raised(field_sheet)

    [message] = mailoutbox
    assert "Field data" in message.body
    assert "Investigator: not assigned yet" in message.body
    assert "Customer:" not in message.body


def test_nothing_is_sent_without_recipients(people, sheet, mailoutbox):
    sheet.investigator = None

    assert emails.sheet_assigned(sheet) == 0
    assert mailoutbox == []


def test_a_queued_message_is_sent_after_the_step_commits(people, sheet, mailoutbox, django_capture_on_commit_callbacks):
    sheet = QualitySheet.objects.get(pk=sheet.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.sheet_submit_analysis(actor=people.investigator, sheet=sheet)

    [message] = mailoutbox
    assert message.to == _addresses(people.leader)
    assert "Analysis to review" in message.subject
