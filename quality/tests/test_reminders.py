"""The daily chase: overdue department tasks, actions due soon or overdue, verifications due; once per day each."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aftersales import roles
from quality import reminders, tasks
from quality.models import CapaAction, QualitySheet, ReminderLog

from .factories import CapaActionFactory, DepartmentTaskFactory, QualitySheetFactory

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 11, 20)
# 00:30 in Beijing is still the day before in UTC: the chase follows the Beijing calendar.
MORNING = datetime.datetime(2026, 11, 20, 0, 30, tzinfo=BEIJING)
NO_REMINDERS = {"task_overdue": 0, "capa_due_soon": 0, "capa_overdue": 0, "capa_verification_due": 0}


def _day(days: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=days)


@pytest.fixture(autouse=True)
def morning():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def chase(django_capture_on_commit_callbacks):
    """Return a function running the daily chase with its e-mail sent after each commit."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.send_daily()

    return run


def _to(message) -> set[str]:
    return set(message.to)


def counts(**sent):
    return {**NO_REMINDERS, **sent}


def _sheet(state=QualitySheet.State.IN_PROGRESS):
    return QualitySheetFactory(state=state, approved=True)


# --- department tasks ------------------------------------------------------------------------


def test_overdue_task_is_chased_once_a_day(people, chase, mailoutbox, morning):
    task = DepartmentTaskFactory(sheet=_sheet(), owner=people.owner, due_date=_day(-1))
    assert chase() == counts(task_overdue=1)
    assert chase() == counts()
    assert len(mailoutbox) == 1
    assert _to(mailoutbox[0]) == {people.owner.email}
    assert task.sheet.number in mailoutbox[0].subject

    morning.move_to(MORNING + datetime.timedelta(days=1))
    assert chase() == counts(task_overdue=1)
    assert len(mailoutbox) == 2
    assert list(ReminderLog.objects.order_by("sent_on").values_list("kind", "object_id", "sent_on")) == [
        ("task_overdue", task.pk, _day(0)),
        ("task_overdue", task.pk, _day(1)),
    ]


def test_task_due_today_is_not_overdue_yet(people, chase, mailoutbox):
    DepartmentTaskFactory(sheet=_sheet(), owner=people.owner, due_date=_day(0))
    assert chase() == counts()
    assert mailoutbox == []


@pytest.mark.parametrize("state", [QualitySheet.State.DISTRIBUTED, QualitySheet.State.IN_PROGRESS])
def test_tasks_of_distributed_and_in_progress_sheets_are_chased(state, people, chase):
    DepartmentTaskFactory(sheet=_sheet(state), owner=people.owner, due_date=_day(-5))
    assert chase() == counts(task_overdue=1)


def test_done_tasks_and_tasks_of_closed_sheets_are_left_alone(people, chase, mailoutbox):
    DepartmentTaskFactory(sheet=_sheet(), owner=people.owner, due_date=_day(-2), done_at=MORNING)
    DepartmentTaskFactory(sheet=_sheet(QualitySheet.State.CLOSED), owner=people.owner, due_date=_day(-2))
    assert chase() == counts()
    assert mailoutbox == []


def test_each_overdue_task_goes_to_its_own_owner(people, chase, mailoutbox):
    sheet = _sheet()
    DepartmentTaskFactory(sheet=sheet, owner=people.owner, due_date=_day(-1))
    DepartmentTaskFactory(sheet=sheet, owner=people.investigator, department="技术部", due_date=_day(-1))
    chase()
    assert sorted(message.to[0] for message in mailoutbox) == sorted([people.owner.email, people.investigator.email])


# --- corrective actions ---------------------------------------------------------------------------


@pytest.mark.parametrize(("due_in", "sent"), [(0, 1), (1, 1), (3, 1), (4, 0)])
def test_action_due_within_three_days_is_announced_to_its_owner(due_in, sent, people, chase, mailoutbox):
    action = CapaActionFactory(owner=people.owner, due_date=_day(due_in))
    assert chase() == counts(capa_due_soon=sent)
    assert [_to(m) for m in mailoutbox] == [{people.owner.email}] * sent
    if sent:
        assert action.number in mailoutbox[0].subject


def test_due_soon_is_announced_once_a_day(people, chase, mailoutbox, morning):
    CapaActionFactory(owner=people.owner, due_date=_day(3))
    chase()
    chase()
    assert len(mailoutbox) == 1
    morning.move_to(MORNING + datetime.timedelta(days=1))
    chase()
    assert len(mailoutbox) == 2


def test_overdue_action_goes_to_its_owner_and_the_verifiers_once_a_day(people, chase, mailoutbox, morning):
    CapaActionFactory(owner=people.owner, due_date=_day(-1))
    assert chase() == counts(capa_overdue=1)
    assert chase() == counts()
    [message] = mailoutbox
    assert _to(message) == {people.owner.email, people.leader.email}
    morning.move_to(MORNING + datetime.timedelta(days=1))
    assert chase() == counts(capa_overdue=1)
    assert len(mailoutbox) == 2


@pytest.mark.parametrize("state", [CapaAction.State.COMPLETED, CapaAction.State.CLOSED, CapaAction.State.CANCELLED])
def test_actions_no_longer_open_are_not_chased_for_their_due_date(state, people, chase):
    CapaActionFactory(owner=people.owner, due_date=_day(-1), state=state, verification_due=_day(10))
    assert chase() == counts()


def test_verification_due_goes_to_the_verifiers_once_a_day(people, chase, mailoutbox, morning):
    CapaActionFactory(owner=people.owner, completed=True, verification_due=_day(0))
    CapaActionFactory(owner=people.owner, completed=True, verification_due=_day(1))
    assert chase() == counts(capa_verification_due=1)
    assert chase() == counts()
    [message] = mailoutbox
    assert _to(message) == {people.leader.email}
    morning.move_to(MORNING + datetime.timedelta(days=1))
    assert chase() == counts(capa_verification_due=2)
    assert len(mailoutbox) == 3


def test_inactive_verifiers_and_verifiers_without_address_get_nothing(people, make_user, chase, mailoutbox):
    make_user(roles.QUALITY_LEADER, username="retired_leader", is_active=False)
    make_user(roles.QUALITY_LEADER, username="no_mail_leader", email="")
    CapaActionFactory(owner=people.owner, completed=True, verification_due=_day(-2))
    chase()
    [message] = mailoutbox
    assert _to(message) == {people.leader.email}


def test_reminder_is_claimed_before_sending_so_a_failed_day_is_not_resent(people, chase, mailoutbox):
    """The claim commits with the queued mail; a second sweeper finds the day's row taken."""
    action = CapaActionFactory(owner=people.owner, due_date=_day(-1))
    ReminderLog.objects.create(kind="capa_overdue", object_id=action.pk, sent_on=_day(0))
    assert chase() == counts()
    assert mailoutbox == []


def test_daily_task_runs_the_chase(people, mailoutbox, django_capture_on_commit_callbacks):
    DepartmentTaskFactory(sheet=_sheet(), owner=people.owner, due_date=_day(-1))
    CapaActionFactory(owner=people.owner, due_date=_day(2))
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.send_daily_reminders.delay().get()
    assert result == counts(task_overdue=1, capa_due_soon=1)
    assert len(mailoutbox) == 2
