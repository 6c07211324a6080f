"""Recording and voiding rewards and penalties: who may, what is refused (all at once), the e-mail."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from aftersales import outbox
from aftersales.models import Notification
from aftersales.tests.pages import source_language  # noqa: F401

from ..models import RewardPenalty
from ..services.rewards import reward_record, reward_void
from .factories import team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("source_language")]
TODAY = datetime.date(2026, 12, 3)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-12-03 10:00 +0800", tick=False):
        yield


def _record(actor, person, **fields):
    data = {
        "kind": "reward",
        "category": "bonus",
        "measure": "amount",
        "value": Decimal("300"),
        "occurred_on": TODAY,
        "reason": "抢修及时",
    }
    return reward_record(actor=actor, person=person, **{**data, **fields})


def test_a_manager_records_for_their_team_with_a_year_number_and_the_person_is_mailed(mailoutbox):
    manager, sales, *_rest = team()
    entry = _record(manager, sales)
    assert entry.number == "JF-2026-0001" and entry.recorded_by == manager
    row = Notification.objects.get(kind="staff.rewards.recorded")
    assert row.key == f"staff.rewards.recorded:{entry.pk}"
    outbox.dispatch()
    assert [m.to for m in mailoutbox] == [[sales.email]]
    assert entry.number in mailoutbox[0].body and "抢修及时" in mailoutbox[0].body


def test_nobody_records_for_themselves_a_colleague_or_outside_their_team():
    manager, sales, sales2, _engineer, boss = team()
    other_manager, *_ = team("o")
    with pytest.raises(PermissionDenied):
        _record(manager, manager)
    with pytest.raises(PermissionDenied):
        _record(sales, sales2)  # no permission
    with pytest.raises(PermissionDenied):
        _record(other_manager, sales)  # not their team
    with pytest.raises(PermissionDenied):
        _record(boss, sales)  # management reads, does not record
    assert not RewardPenalty.objects.exists()


def test_the_general_manager_records_for_anyone():
    from django.contrib.auth.models import Group

    _manager, sales, *_ = team()
    gm = _manager.__class__.objects.create(username="gm")
    gm.groups.add(Group.objects.get(name="general_manager"))
    assert _record(gm, sales).person == sales


def test_every_error_is_reported_at_once():
    manager, sales, *_ = team()
    with pytest.raises(ValidationError) as caught:
        _record(
            manager,
            sales,
            kind="reward",
            category="dismissal",
            measure="points",
            value=Decimal(0),
            occurred_on=TODAY + datetime.timedelta(days=1),
            reason=" ",
        )
    errors = caught.value.message_dict
    assert set(errors) == {"category", "value", "occurred_on", "reason"}
    assert errors["category"] == ["Dismissal is a penalty, never a reward."]
    assert errors["occurred_on"] == ["The date cannot be in the future."]


def test_dates_more_than_a_year_back_and_figures_without_a_measure_are_refused():
    manager, sales, *_ = team()
    with pytest.raises(ValidationError) as caught:
        _record(manager, sales, measure="none", value=Decimal(5), occurred_on=TODAY - datetime.timedelta(days=366))
    assert set(caught.value.message_dict) == {"value", "occurred_on"}
    entry = _record(
        manager,
        sales,
        kind="penalty",
        category="dismissal",
        measure="none",
        value=0,
        occurred_on=TODAY.replace(year=2025),
    )
    assert entry.value == 0


def test_voiding_keeps_the_entry_with_who_and_why_and_only_once():
    manager, sales, *_ = team()
    entry = _record(manager, sales)
    with pytest.raises(ValidationError):
        reward_void(actor=manager, entry=entry, reason="")
    with pytest.raises(PermissionDenied):
        reward_void(actor=sales, entry=entry, reason="我不同意")
    reward_void(actor=manager, entry=entry, reason="重复录入")
    entry.refresh_from_db()
    assert (entry.voided_by, entry.void_reason) == (manager, "重复录入") and entry.voided_at
    with pytest.raises(ValidationError):
        reward_void(actor=manager, entry=entry, reason="again")


def test_a_voided_entry_is_not_mailed(mailoutbox):
    manager, sales, *_ = team()
    entry = _record(manager, sales)
    reward_void(actor=manager, entry=entry, reason="录错了")
    outbox.dispatch()
    assert mailoutbox == []
