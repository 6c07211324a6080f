"""Corrective and preventive actions: opening, plans, tracking checks, completion, verification, notices."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from aftersales import roles
from quality import services
from quality.models import CapaAction, CapaCheck, CapaEvent, CapaSource, QualitySheet, SheetEvent

from .factories import CapaActionFactory, QualitySheetFactory

pytestmark = pytest.mark.django_db

S = CapaAction.State
CREATORS = {roles.QUALITY_LEADER, roles.QUALITY_CLERK}
CHECKERS = {roles.QUALITY_ENGINEER, roles.QUALITY_LEADER}
VERIFIERS = {roles.QUALITY_LEADER}
BEIJING = ZoneInfo("Asia/Shanghai")


def _in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def _create(actor, **data):
    defaults = {
        "kind": CapaAction.Kind.CORRECTIVE,
        "problem": "装配漏装弹簧垫圈",
        "planned_action": "装配工序增加扭矩复检",
        "owner": data.pop("owner", None),
        "department": "生产部",
        "due_date": _in_days(14),
    }
    return services.capa_create(actor=actor, **{**defaults, **data})


def _not_effective(actor, action, **overrides):
    data = {"note": "三个月内又发生两起", "new_plan": "改用防松螺母", "new_due_date": _in_days(30)}
    return services.capa_verify(actor=actor, action=action, effective=False, **{**data, **overrides})


@pytest.fixture
def sheet():
    return QualitySheetFactory(state=QualitySheet.State.IN_PROGRESS, approved=True)


# --- opening --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", roles.ALL)
def test_actions_are_opened_by_the_quality_leader_and_clerk_only(role, role_user, people, sheet):
    actor = role_user(role)
    if role in CREATORS:
        action = _create(actor, owner=people.owner, sheet=sheet)
        assert action.created_by == actor
        assert action.state == S.OPEN
    else:
        with pytest.raises(PermissionDenied):
            _create(actor, owner=people.owner, sheet=sheet)
        assert not CapaAction.objects.exists()


def test_action_from_a_sheet_is_sourced_from_it_and_recorded_on_both(
    people, sheet, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        action = _create(people.leader, owner=people.owner, sheet=sheet, source=CapaSource.SURVEY)
    assert action.source == CapaSource.QUALITY_SHEET
    assert action.number == f"CA-{timezone.localdate():%Y}-0001"
    assert SheetEvent.objects.filter(sheet=sheet, action=SheetEvent.Action.CAPA, note__startswith=action.number)
    assert CapaEvent.objects.get(action=action).to_state == S.OPEN
    assert queued == [("capa_assigned", action.pk)]


def test_closed_sheet_takes_no_more_actions(people):
    closed = QualitySheetFactory(state=QualitySheet.State.CLOSED)
    with pytest.raises(ValidationError) as error:
        _create(people.leader, owner=people.owner, sheet=closed)
    assert error.value.code == "sheet"


def test_action_sourced_from_a_sheet_must_name_it(people):
    with pytest.raises(ValidationError):
        _create(people.leader, owner=people.owner, source=CapaSource.QUALITY_SHEET)
    assert not CapaAction.objects.exists()


def test_action_from_another_source_needs_no_sheet(people):
    action = _create(people.clerk, owner=people.owner, source=CapaSource.RETURN_TREND, source_reference="10月退货")
    assert action.sheet is None


@pytest.mark.parametrize("missing", ["notice_unit", "reply_deadline"])
def test_rectification_notice_names_the_unit_and_the_reply_deadline(missing, people):
    data = {"source": CapaSource.SUPERVISION, "notice_unit": "华东服务站", "reply_deadline": _in_days(10)}
    data[missing] = None if missing == "reply_deadline" else ""
    with pytest.raises(ValidationError) as error:
        _create(people.clerk, owner=people.owner, **data)
    assert error.value.code == "notice"


def test_past_due_date_is_refused(people, sheet):
    with pytest.raises(ValidationError) as error:
        _create(people.leader, owner=people.owner, sheet=sheet, due_date=_in_days(-1))
    assert error.value.code == "due_date"


# --- plan and tracking ----------------------------------------------------------------------


def test_changing_the_plan_keeps_the_previous_one_in_the_history(people):
    action = CapaActionFactory(owner=people.owner, planned_action="旧方案")
    services.capa_update_plan(actor=people.owner, action=action, planned_action="新方案", due_date=_in_days(20))
    action.refresh_from_db()
    assert (action.planned_action, action.due_date) == ("新方案", _in_days(20))
    event = CapaEvent.objects.get(action=action)
    assert (event.previous_plan, event.actor) == ("旧方案", people.owner)


def test_plan_is_changed_by_its_owner_or_a_verifier_only(people):
    action = CapaActionFactory(owner=people.owner)
    with pytest.raises(PermissionDenied):
        services.capa_update_plan(actor=people.clerk, action=action, planned_action="新", due_date=_in_days(9))
    services.capa_update_plan(actor=people.leader, action=action, planned_action="新", due_date=_in_days(9))


def test_new_plan_cannot_be_due_in_the_past_but_an_overdue_plan_can_be_reworded(people):
    action = CapaActionFactory(owner=people.owner, due_date=_in_days(-3))
    with pytest.raises(ValidationError) as error:
        services.capa_update_plan(actor=people.owner, action=action, planned_action="新", due_date=_in_days(-1))
    assert error.value.code == "due_date"
    services.capa_update_plan(actor=people.owner, action=action, planned_action="新", due_date=_in_days(-3))


def test_only_an_open_action_changes_its_plan(people):
    action = CapaActionFactory(owner=people.owner, completed=True)
    with pytest.raises(ValidationError) as error:
        services.capa_update_plan(actor=people.owner, action=action, planned_action="新", due_date=_in_days(9))
    assert error.value.code == "state"


@pytest.mark.parametrize("role", roles.ALL)
def test_tracking_checks_are_recorded_by_quality_engineers_and_leaders(role, role_user):
    action = CapaActionFactory()
    actor = role_user(role)
    if role in CHECKERS:
        services.capa_add_check(actor=actor, action=action, finding="已完成 60%")
        check = CapaCheck.objects.get(action=action)
        assert (check.checked_by, check.checked_on) == (actor, timezone.localdate())
        assert CapaEvent.objects.get(action=action).note.endswith("已完成 60%")
    else:
        with pytest.raises(PermissionDenied):
            services.capa_add_check(actor=actor, action=action, finding="已完成 60%")
        assert not CapaCheck.objects.exists()


def test_tracking_check_needs_a_finding_and_no_future_date(people):
    action = CapaActionFactory()
    with pytest.raises(ValidationError) as error:
        services.capa_add_check(actor=people.investigator, action=action, finding=" ")
    assert error.value.code == "required"
    with pytest.raises(ValidationError) as error:
        services.capa_add_check(actor=people.investigator, action=action, finding="进行中", checked_on=_in_days(1))
    assert error.value.code == "date"


@pytest.mark.parametrize("state", [S.CLOSED, S.CANCELLED])
def test_finished_actions_take_no_tracking_checks(state, people):
    action = CapaActionFactory(state=state)
    with pytest.raises(ValidationError) as error:
        services.capa_add_check(actor=people.investigator, action=action, finding="进行中")
    assert error.value.code == "state"


# --- completion and verification ------------------------------------------------------------


@time_machine.travel(datetime.datetime(2026, 11, 20, 17, 30, tzinfo=datetime.UTC), tick=False)
def test_completion_sets_the_verification_due_date_from_the_beijing_completion_date(people):
    action = CapaActionFactory(owner=people.owner, verification_days=30)
    services.capa_complete(actor=people.owner, action=action, note="已换防松垫圈")
    action.refresh_from_db()
    # 17:30 UTC is 01:30 the next day in Beijing: the clock of the procedures.
    assert action.state == S.COMPLETED
    assert action.completed_at == datetime.datetime(2026, 11, 20, 17, 30, tzinfo=datetime.UTC)
    assert action.verification_due == datetime.date(2026, 12, 21)
    assert action.completion_note == "已换防松垫圈"


@pytest.mark.parametrize("role", roles.ALL)
def test_action_is_completed_by_its_owner_or_a_verifier(role, role_user, people):
    action = CapaActionFactory(owner=people.owner)
    actor = role_user(role)
    if role in VERIFIERS:
        services.capa_complete(actor=actor, action=action, note="完成")
        assert CapaAction.objects.get(pk=action.pk).state == S.COMPLETED
    else:
        with pytest.raises(PermissionDenied):
            services.capa_complete(actor=actor, action=action, note="完成")
        assert CapaAction.objects.get(pk=action.pk).state == S.OPEN


def test_completion_needs_a_note(people):
    action = CapaActionFactory(owner=people.owner)
    with pytest.raises(ValidationError) as error:
        services.capa_complete(actor=people.owner, action=action, note="")
    assert error.value.code == "required"


@pytest.mark.parametrize("role", roles.ALL)
def test_only_verifiers_verify(role, role_user):
    action = CapaActionFactory(due_for_verification=True)
    actor = role_user(role)
    if role in VERIFIERS:
        services.capa_verify(actor=actor, action=action, effective=True, note="三个月无复发")
        assert CapaAction.objects.get(pk=action.pk).state == S.CLOSED
    else:
        with pytest.raises(PermissionDenied):
            services.capa_verify(actor=actor, action=action, effective=True, note="三个月无复发")
        assert CapaAction.objects.get(pk=action.pk).state == S.COMPLETED


def test_owner_cannot_verify_their_own_action(people):
    action = CapaActionFactory(owner=people.owner, completed=True)
    with pytest.raises(PermissionDenied):
        services.capa_verify(actor=people.owner, action=action, effective=True, note="有效")


def test_effective_verification_closes_the_action(people, queued, django_capture_on_commit_callbacks):
    action = CapaActionFactory(due_for_verification=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.capa_verify(actor=people.leader, action=action, effective=True, note="三个月无复发")
    action.refresh_from_db()
    assert action.state == S.CLOSED
    assert (action.verified_by, action.verification_note) == (people.leader, "三个月无复发")
    assert action.verified_at is not None
    assert CapaEvent.objects.filter(action=action, from_state=S.COMPLETED, to_state=S.CLOSED).exists()
    assert queued == [("capa_verified", action.pk)]


def test_ineffective_verification_reopens_the_action_with_the_new_plan(
    people, queued, django_capture_on_commit_callbacks
):
    action = CapaActionFactory(completed=True, planned_action="增加扭矩复检", owner=people.owner)
    with django_capture_on_commit_callbacks(execute=True):
        _not_effective(people.leader, action)
    action.refresh_from_db()
    assert action.state == S.OPEN
    assert (action.planned_action, action.due_date) == ("改用防松螺母", _in_days(30))
    assert action.times_reopened == 1
    assert (action.completed_at, action.verification_due) == (None, None)
    event = CapaEvent.objects.get(action=action, from_state=S.COMPLETED, to_state=S.OPEN)
    assert (event.previous_plan, event.note) == ("增加扭矩复检", "三个月内又发生两起")
    assert queued == [("capa_reopened", action.pk)]


def test_action_reopened_twice_keeps_every_earlier_plan(people):
    action = CapaActionFactory(completed=True, planned_action="方案一", owner=people.owner)
    _not_effective(people.leader, action, new_plan="方案二")
    services.capa_complete(actor=people.owner, action=action, note="完成")
    _not_effective(people.leader, action, new_plan="方案三")
    action.refresh_from_db()
    assert (action.planned_action, action.times_reopened) == ("方案三", 2)
    history = CapaEvent.objects.filter(action=action).exclude(previous_plan="")
    assert list(history.values_list("previous_plan", flat=True)) == ["方案一", "方案二"]


@pytest.mark.parametrize(
    ("overrides", "code"),
    [({"new_plan": " "}, "required"), ({"new_due_date": None}, "due_date"), ({"new_due_date": -1}, "due_date")],
    ids=["no_plan", "no_due_date", "past_due_date"],
)
def test_ineffective_verification_needs_a_new_plan_due_from_today(overrides, code, people):
    action = CapaActionFactory(completed=True)
    if overrides.get("new_due_date") == -1:
        overrides = {"new_due_date": _in_days(-1)}
    with pytest.raises(ValidationError) as error:
        _not_effective(people.leader, action, **overrides)
    assert error.value.code == code
    assert CapaAction.objects.get(pk=action.pk).state == S.COMPLETED


def test_verification_needs_its_evidence(people):
    action = CapaActionFactory(completed=True)
    with pytest.raises(ValidationError) as error:
        services.capa_verify(actor=people.leader, action=action, effective=True, note="")
    assert error.value.code == "required"


@pytest.mark.parametrize("state", [S.OPEN, S.CLOSED, S.CANCELLED])
def test_only_a_completed_action_is_verified(state, people):
    action = CapaActionFactory(state=state)
    with pytest.raises(ValidationError) as error:
        services.capa_verify(actor=people.leader, action=action, effective=True, note="有效")
    assert error.value.code == "state"


def test_verifier_cancels_an_open_action_with_a_reason(people):
    action = CapaActionFactory(owner=people.owner)
    with pytest.raises(ValidationError):
        services.capa_cancel(actor=people.leader, action=action, reason="")
    with pytest.raises(PermissionDenied):
        services.capa_cancel(actor=people.owner, action=action, reason="重复")
    services.capa_cancel(actor=people.leader, action=action, reason="重复")
    assert CapaAction.objects.get(pk=action.pk).state == S.CANCELLED


# --- rectification notices ------------------------------------------------------------------


def test_written_reply_is_recorded_for_a_notice(people):
    notice = CapaActionFactory(notice=True, owner=people.owner)
    services.capa_record_reply(actor=people.clerk, action=notice, reply_text="已补全回访记录", received_on=_in_days(0))
    notice.refresh_from_db()
    assert (notice.reply_text, notice.reply_received_at) == ("已补全回访记录", _in_days(0))
    assert CapaEvent.objects.filter(action=notice, note__contains=str(_in_days(0))).exists()


def test_only_a_notice_takes_a_written_reply(people):
    action = CapaActionFactory()
    with pytest.raises(ValidationError) as error:
        services.capa_record_reply(actor=people.clerk, action=action, reply_text="回复", received_on=_in_days(0))
    assert error.value.code == "notice"


@pytest.mark.parametrize(("text", "days", "code"), [(" ", 0, "required"), ("回复", 1, "date")])
def test_written_reply_needs_its_text_and_a_date_not_in_the_future(text, days, code, people):
    notice = CapaActionFactory(notice=True)
    with pytest.raises(ValidationError) as error:
        services.capa_record_reply(actor=people.clerk, action=notice, reply_text=text, received_on=_in_days(days))
    assert error.value.code == code


def test_written_reply_is_not_recorded_by_outsiders(people):
    notice = CapaActionFactory(notice=True)
    with pytest.raises(PermissionDenied):
        services.capa_record_reply(actor=people.deputy, action=notice, reply_text="回复", received_on=_in_days(0))


# --- what pages offer ---------------------------------------------------------------------


def test_pages_offer_the_owner_completion_and_the_leader_verification(people):
    action = CapaActionFactory(owner=people.owner)
    assert services.capa_actions(action, people.owner) == {"complete", "plan"}
    assert services.capa_actions(action, people.leader) == {"complete", "plan", "cancel", "check"}
    completed = CapaActionFactory(owner=people.owner, completed=True)
    assert services.capa_actions(completed, people.leader) == {"verify", "check"}
    assert services.capa_actions(completed, people.owner) == set()
    notice = CapaActionFactory(notice=True, owner=people.owner)
    assert "reply" in services.capa_actions(notice, people.clerk)
