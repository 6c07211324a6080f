"""Impossible dates on sheets and actions, field changes in their timelines, and early verification."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from quality import services
from quality.models import CapaAction, CapaEvent, CapaSource, QualitySheet, SheetEvent

from .factories import CapaActionFactory, QualitySheetFactory

pytestmark = pytest.mark.django_db

S = QualitySheet.State


def _in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def _post(client, url_name, number, prefix, **fields):
    return client.post(reverse(url_name, args=[number]), {f"{prefix}-{k}": v for k, v in fields.items()})


# --- investigator's due date --------------------------------------------------------------------


def test_an_investigation_due_in_the_past_is_refused_by_the_page_and_the_service(people, client_for):
    sheet = QualitySheetFactory(state=S.DRAFT)
    yesterday = _in_days(-1)
    with pytest.raises(ValidationError) as error:
        services.sheet_assign(actor=people.leader, sheet=sheet, investigator=people.investigator, due_date=yesterday)
    assert error.value.code == "due_date"

    response = _post(
        client_for(people.leader),
        "quality:sheet_assign",
        sheet.number,
        "assign",
        investigator=people.investigator.pk,
        due_date=f"{yesterday:%Y-%m-%d}",
    )
    assert response.status_code == 200
    assert f"{yesterday:%Y-%m-%d}" in response.content.decode()
    assert QualitySheet.objects.get(pk=sheet.pk).state == S.DRAFT


def test_reassigning_shows_the_change_and_an_unchanged_assignment_writes_nothing(people, client_for):
    sheet = QualitySheetFactory(state=S.DRAFT)
    services.sheet_assign(actor=people.leader, sheet=sheet, investigator=people.investigator, due_date=_in_days(5))
    services.sheet_assign(actor=people.leader, sheet=sheet, investigator=people.investigator, due_date=_in_days(5))
    services.sheet_assign(actor=people.leader, sheet=sheet, investigator=people.other_engineer, due_date=_in_days(7))

    events = SheetEvent.objects.filter(sheet=sheet, action=SheetEvent.Action.ASSIGNED)
    assert events.count() == 2
    page = client_for(people.leader).get(sheet.get_absolute_url()).content.decode()
    timeline = re.search(r'data-testid="timeline">(.*?)</ol>', page, re.S).group(1)
    assert "调查截止日期" in timeline
    assert f"{_in_days(5):%Y-%m-%d}" in timeline and f"{_in_days(7):%Y-%m-%d}" in timeline
    assert str(people.investigator) in timeline and str(people.other_engineer) in timeline
    assert "investigation_due" not in timeline


def test_an_unchanged_analysis_writes_no_event(people):
    sheet = QualitySheetFactory(state=S.INVESTIGATING, investigator=people.investigator)
    data = {"root_cause": "production", "analysis": "来料密封圈材质不符"}
    services.sheet_record_analysis(actor=people.investigator, sheet=sheet, **data)
    services.sheet_record_analysis(actor=people.investigator, sheet=sheet, **data)
    event = SheetEvent.objects.get(sheet=sheet, action=SheetEvent.Action.ANALYSIS)
    assert {change["field"] for change in event.changes} == {"root_cause", "analysis"}
    assert event.note == ""


# --- rectification notices -------------------------------------------------------------------------


def _notice(people, **overrides):
    data = {
        "kind": CapaAction.Kind.CORRECTIVE,
        "source": CapaSource.SUPERVISION,
        "problem": "回访记录不全",
        "planned_action": "补全回访记录",
        "owner": people.owner,
        "department": "华东服务站",
        "due_date": _in_days(14),
        "notice_unit": "华东服务站",
        "reply_deadline": _in_days(7),
    }
    return services.capa_create(actor=people.clerk, **{**data, **overrides})


def test_a_reply_deadline_before_the_notice_date_is_refused_by_the_page_and_the_service(people, client_for):
    with pytest.raises(ValidationError) as error:
        _notice(people, reply_deadline=_in_days(-2))
    assert error.value.code == "reply_deadline"

    fields = {
        "kind": "corrective",
        "source": CapaSource.SUPERVISION,
        "problem": "回访记录不全",
        "planned_action": "补全回访记录",
        "owner": people.owner.pk,
        "department": "华东服务站",
        "due_date": f"{_in_days(14):%Y-%m-%d}",
        "verification_days": "30",
        "notice_unit": "华东服务站",
        "notice_findings": "抽查 10 份缺 3 份",
        "reply_deadline": f"{_in_days(-2):%Y-%m-%d}",
    }
    response = client_for(people.clerk).post(
        reverse("quality:capa_create"), {f"create-{k}": v for k, v in fields.items()}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{_in_days(-2):%Y-%m-%d}" in page and f"{timezone.localdate():%Y-%m-%d}" in page
    assert 'value="华东服务站"' in page
    assert not CapaAction.objects.exists()


def test_a_reply_cannot_arrive_before_the_notice_was_issued(people):
    notice = _notice(people)
    with pytest.raises(ValidationError) as error:
        services.capa_record_reply(actor=people.owner, action=notice, reply_text="已整改", received_on=_in_days(-1))
    assert error.value.code == "date"


# --- early verification ----------------------------------------------------------------------------


def test_a_just_completed_action_cannot_be_verified_effective_without_saying_why(people):
    action = CapaActionFactory(completed=True)
    with pytest.raises(ValidationError) as error:
        services.capa_verify(actor=people.leader, action=action, effective=True, note="无复发")
    assert error.value.code == "too_early"
    with pytest.raises(ValidationError) as error:
        services.capa_verify(actor=people.leader, action=action, effective=True, note="无复发", early=True)
    assert error.value.code == "required"
    assert CapaAction.objects.get(pk=action.pk).state == CapaAction.State.COMPLETED


def test_an_early_verification_is_recorded_on_the_action_its_history_page_and_8d(people, client_for):
    action = CapaActionFactory(completed=True)
    reason = "同类设备已连续运行 45 天无复发，客户要求提前关闭"
    services.capa_verify(
        actor=people.leader, action=action, effective=True, note="现场复查合格", early=True, early_reason=reason
    )
    action.refresh_from_db()
    assert action.state == CapaAction.State.CLOSED
    assert (action.verified_early, action.early_verification_reason) == (True, reason)
    event = CapaEvent.objects.get(action=action, to_state=CapaAction.State.CLOSED)
    assert {change["field"]: change["new"] for change in event.changes} == {
        "verified_early": True,
        "early_verification_reason": reason,
    }

    client = client_for(people.leader)
    detail = client.get(action.get_absolute_url()).content.decode()
    assert 'data-testid="verified-early"' in detail and reason in detail
    history = re.search(r'data-testid="history">(.*?)</ol>', detail, re.S).group(1)
    assert reason in history
    eightd = client.get(reverse("quality:eightd", args=[action.sheet.number])).content.decode()
    assert reason in eightd and f"{action.verification_due:%Y-%m-%d}" in eightd


def test_a_verification_that_is_due_needs_no_reason_and_is_not_marked_early(people):
    action = CapaActionFactory(due_for_verification=True)
    services.capa_verify(actor=people.leader, action=action, effective=True, note="三个月无复发")
    action.refresh_from_db()
    assert action.state == CapaAction.State.CLOSED
    assert (action.verified_early, action.early_verification_reason) == (False, "")


def test_a_recurrence_reopens_the_action_before_the_due_date_without_a_reason(people):
    action = CapaActionFactory(completed=True)
    services.capa_verify(
        actor=people.leader,
        action=action,
        effective=False,
        note="一周内再次松动",
        new_plan="改用防松螺母",
        new_due_date=_in_days(20),
    )
    assert CapaAction.objects.get(pk=action.pk).state == CapaAction.State.OPEN


def test_the_verify_form_asks_for_early_verification_only_before_the_due_date(people, client_for):
    early = CapaActionFactory(completed=True)
    due = CapaActionFactory(due_for_verification=True)
    client = client_for(people.leader)
    assert 'name="verify-early_reason"' in client.get(early.get_absolute_url()).content.decode()
    assert 'name="verify-early_reason"' not in client.get(due.get_absolute_url()).content.decode()

    response = _post(client, "quality:capa_verify", early.number, "verify", effective="yes", note="无复发", early="on")
    assert response.status_code == 200
    assert 'id="error_1_id_verify-early_reason"' in response.content.decode()
    assert CapaAction.objects.get(pk=early.pk).state == CapaAction.State.COMPLETED
