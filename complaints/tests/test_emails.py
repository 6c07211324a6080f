"""Every complaint message: its recipients, subject, facts, deadline in Beijing time and link."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from .. import emails
from ..models import Complaint, Severity
from ..services import complaint_create

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
RECEIVED = datetime.datetime(2026, 11, 20, 2, 30, tzinfo=datetime.UTC)  # 10:30 in Beijing


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"  # messages go out in the site's language; assert on the source text


@pytest.fixture
def complaint(people, customer):
    return complaint_create(
        actor=people.engineer,
        customer=customer,
        title="断路器拒合 <VS1-12> & 异响",
        description="合闸时断路器拒合，操作机构有异响。",
        severity=Severity.MAJOR,
        received_at=RECEIVED,
        assignee=people.engineer,
    )


def _beijing(moment) -> str:
    return f"{moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"


def _addresses(*users) -> list[str]:
    return sorted(user.email for user in users)


def _recipients(people, name):
    managers = (people.manager, people.second_manager)
    heads = (people.head, people.deputy_head)
    return {
        "major_received": heads,
        "assigned": (people.engineer,),
        "response_at_risk": (people.engineer,),
        "response_breached": (*managers, people.engineer),
        "resolution_at_risk": (people.engineer,),
        "resolution_breached": heads,
        "sent_back": (people.engineer,),
        "approved": (people.engineer,),
        "for_approval": (*managers, people.gm),
        "quality_sheet_wanted": (people.leader,),
        "reopened": (people.engineer, *managers),
    }[name]


SUBJECTS = {
    "major_received": "Major complaint received",
    "assigned": "assigned to you",
    "response_at_risk": "First response due soon",
    "response_breached": "First response overdue",
    "resolution_at_risk": "Resolution due soon",
    "resolution_breached": "Resolution overdue",
    "sent_back": "sent back to analysis",
    "approved": "Disposal approved",
    "for_approval": "Approval needed",
    "quality_sheet_wanted": "Raise a quality information sheet",
    "reopened": "reopened",
}
RESPONSE_DEADLINE = {"major_received", "assigned", "response_at_risk", "response_breached"}
RESOLUTION_DEADLINE = set(emails.MESSAGES) - {"response_at_risk", "response_breached"}
WITH_REASON = {"sent_back", "reopened"}


def _send(name, complaint):
    extra = {"reason": "处置方案缺少报价明细"} if name in WITH_REASON else {}
    # Whatever zone is active where the message is sent, its times are Beijing time.
    with timezone.override("UTC"):
        return emails.MESSAGES[name](complaint, **extra)


@pytest.mark.parametrize("name", list(emails.MESSAGES))
def test_message_goes_to_the_right_people_with_subject_and_link(name, people, complaint, mailoutbox):
    assert _send(name, complaint) == 1

    [message] = mailoutbox
    assert message.to == _addresses(*_recipients(people, name))
    assert SUBJECTS[name] in message.subject
    assert complaint.number in message.subject
    assert "断路器拒合 <VS1-12> & 异响" in message.subject  # plain text, not HTML-escaped
    link = f"{settings.SITE_URL}/complaints/{complaint.number}/"
    assert link == settings.SITE_URL + complaint.get_absolute_url()
    html = message.alternatives[0][0]
    assert link in message.body
    assert f'href="{link}"' in html


@pytest.mark.parametrize("name", list(emails.MESSAGES))
def test_message_states_the_facts_and_the_deadline_in_beijing_time(name, people, complaint, mailoutbox):
    _send(name, complaint)

    [message] = mailoutbox
    html = message.alternatives[0][0]
    facts = [
        complaint.number,
        complaint.customer.name,
        complaint.customer.code,
        "Major",
        "Received",  # the stage
        str(people.engineer),
        _beijing(RECEIVED),
    ]
    for fact in facts:
        assert fact in message.body, fact
        assert fact in html, fact
    assert "断路器拒合 <VS1-12> & 异响" in message.body
    assert "断路器拒合 &lt;VS1-12&gt; &amp; 异响" in html
    deadlines = []
    if name in RESPONSE_DEADLINE:
        deadlines.append(("First response due", complaint.first_response_due_at))
    if name in RESOLUTION_DEADLINE:
        deadlines.append(("Resolution due", complaint.resolution_due_at))
    for label, moment in deadlines:
        assert f"{label}: {_beijing(moment)}" in message.body
        assert _beijing(moment) in html
    assert _beijing(complaint.first_response_due_at) == "2026-11-21 10:30"


@pytest.mark.parametrize("name", sorted(WITH_REASON))
def test_sent_back_and_reopened_give_the_reason(name, complaint, mailoutbox):
    _send(name, complaint)

    [message] = mailoutbox
    assert "Reason: 处置方案缺少报价明细" in message.body
    assert "处置方案缺少报价明细" in message.alternatives[0][0]


def test_approved_names_the_disposal(complaint, mailoutbox):
    complaint.disposal, complaint.disposal_plan = Complaint.Disposal.REPLACE, "更换断路器操作机构"
    emails.approved(complaint)

    [message] = mailoutbox
    assert "Disposal: Replace" in message.body
    assert "更换断路器操作机构" in message.body


@pytest.mark.parametrize("name", ["response_at_risk", "resolution_at_risk", "sent_back", "approved"])
def test_unassigned_complaint_alerts_the_after_sales_managers(name, people, complaint, mailoutbox):
    complaint.assignee = None
    _send(name, complaint)

    [message] = mailoutbox
    assert message.to == _addresses(people.manager, people.second_manager)
    assert "not assigned yet" in message.body


def test_paused_clock_is_mentioned(complaint, mailoutbox):
    complaint.paused_since = RECEIVED + datetime.timedelta(hours=2)
    emails.resolution_at_risk(complaint)

    assert "Clock paused since: 2026-11-20 12:30" in mailoutbox[0].body


def test_nothing_is_sent_without_recipients(people, complaint, mailoutbox):
    people.head.is_department_head = people.deputy_head.is_department_head = False
    people.head.save()
    people.deputy_head.save()

    assert emails.resolution_breached(complaint) == 0
    assert mailoutbox == []


def test_messages_render_in_the_default_chinese_site_language(settings, complaint, mailoutbox):
    settings.LANGUAGE_CODE = "zh-hans"
    for name in emails.MESSAGES:
        _send(name, complaint)

    assert len(mailoutbox) == len(emails.MESSAGES)
    for message in mailoutbox:
        assert complaint.number in message.subject
        assert settings.SITE_URL + complaint.get_absolute_url() in message.body


def test_a_major_complaint_reaches_the_department_heads_once_received(
    people, customer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = complaint_create(
            actor=people.engineer,
            customer=customer,
            title="变压器温升异常",
            description="满载运行两小时后绕组温度超过 130 ℃。",
            severity=Severity.MAJOR,
        )

    [message] = mailoutbox
    assert message.to == _addresses(people.head, people.deputy_head)
    assert complaint.number in message.subject
