"""Supervision services: dates and duplicates refused, scores in range all reported, completion, meeting, notices."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from aftersales import roles
from aftersales.tests.pages import source_language  # noqa: F401

from ..models import CapaAction, CapaSource
from ..models.supervision import CheckFinding, SupervisionCheck, SupervisionEvent
from ..services import supervision as services
from . import factories_supervision as f

# The services' messages are translated when raised: assert on the English source text.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("source_language")]
TODAY = timezone.localdate()
MONTH = TODAY.replace(day=1)


@pytest.fixture
def leader(role_user):
    return role_user(roles.QUALITY_LEADER)


@pytest.fixture
def setup(role_user):
    head = role_user(roles.AFTERSALES_MANAGER)
    items = [f.item(max_score=10), f.item(max_score=5), f.item(max_score=5, is_active=False)]
    return {"unit": f.unit(head=head), "head": head, "items": items}


def _create(actor, unit, **extra):
    data = {"kind": SupervisionCheck.Kind.MONTHLY, "period": MONTH, "checked_on": TODAY, **extra}
    return services.check_create(actor=actor, unit=unit, **data)


def test_create_copies_the_active_items_with_their_maximum(leader, setup):
    check = _create(leader, setup["unit"])
    assert check.number.startswith(f"JC-{TODAY:%Y%m}-")
    assert sorted(check.scores.values_list("max_score", flat=True)) == [5, 10]
    assert SupervisionEvent.objects.filter(check_record=check).count() == 1


def test_create_refuses_future_date_later_period_and_inactive_unit(leader, setup):
    unit = f.unit(is_active=False)
    next_month = (MONTH + timedelta(days=32)).replace(day=1)
    with pytest.raises(ValidationError) as error:
        _create(leader, unit, checked_on=TODAY + timedelta(days=1), period=next_month + timedelta(days=32))
    assert set(error.value.error_dict) == {"checked_on", "period", "unit"}


def test_second_monthly_check_of_same_unit_and_month_is_refused(leader, setup):
    _create(leader, setup["unit"])
    with pytest.raises(ValidationError, match="already has a monthly check"):
        _create(leader, setup["unit"])
    # A spot check the same month is fine.
    _create(leader, setup["unit"], kind=SupervisionCheck.Kind.SPOT)


def test_sales_and_engineers_may_not_record_checks(role_user, setup):
    for code in (roles.SALES, roles.AFTERSALES_ENGINEER, roles.MANAGEMENT):
        with pytest.raises(PermissionDenied):
            _create(role_user(code), setup["unit"])


def test_scores_out_of_range_are_all_reported_at_once(leader, setup):
    check = _create(leader, setup["unit"])
    ten, five = setup["items"][:2]
    with pytest.raises(ValidationError) as error:
        services.check_score(actor=leader, check=check, scores={ten.pk: ("11", ""), five.pk: ("-1", "")})
    assert len(error.value.messages) == 2
    services.check_score(actor=leader, check=check, scores={ten.pk: ("9.5", "好"), five.pk: ("5", "")})
    assert sorted(str(s) for s in check.scores.values_list("score", flat=True)) == ["5.0", "9.5"]


def test_monthly_check_completes_only_when_every_item_is_scored(leader, setup):
    check = _create(leader, setup["unit"])
    ten, five = setup["items"][:2]
    services.check_score(actor=leader, check=check, scores={ten.pk: ("8", "")})
    with pytest.raises(ValidationError, match="Score every item"):
        services.check_complete(actor=leader, check=check)
    services.check_score(actor=leader, check=check, scores={five.pk: ("4", "")})
    check = services.check_complete(actor=leader, check=check)
    assert (check.state, check.total_score, check.max_score) == ("completed", 12, 15)
    assert check.completed_at is not None
    with pytest.raises(ValidationError):
        services.check_score(actor=leader, check=check, scores={ten.pk: ("1", "")})


def test_meeting_not_before_the_check_nor_in_the_future(leader, setup):
    check = _create(
        leader, setup["unit"], checked_on=TODAY - timedelta(days=2), period=(TODAY - timedelta(days=2)).replace(day=1)
    )
    with pytest.raises(ValidationError, match="Complete the check"):
        services.check_record_meeting(actor=leader, check=check, held_on=TODAY, notes="通报")
    for row in check.scores.all():
        services.check_score(actor=leader, check=check, scores={row.item_id: ("1", "")})
    services.check_complete(actor=leader, check=check)
    for bad in (TODAY - timedelta(days=3), TODAY + timedelta(days=1)):
        with pytest.raises(ValidationError):
            services.check_record_meeting(actor=leader, check=check, held_on=bad, notes="通报")
    check = services.check_record_meeting(actor=leader, check=check, held_on=TODAY, notes="通报")
    assert check.meeting_held_on == TODAY


def test_issuing_a_notice_creates_the_capa_and_links_it_in_one_step(leader, setup):
    check = _create(leader, setup["unit"])
    finding = services.check_add_finding(actor=leader, check=check, description="投诉超时未处理", severity="major")
    action = services.finding_issue_notice(
        actor=leader, finding=finding, reply_deadline=TODAY + timedelta(days=7), due_date=TODAY + timedelta(days=30)
    )
    assert action.source == CapaSource.SUPERVISION
    assert (action.notice_unit, action.department, action.source_reference) == (
        setup["unit"].name,
        setup["unit"].name,
        check.number,
    )
    assert action.owner == setup["head"] and action.notice_findings == "投诉超时未处理"
    assert action.planned_action.endswith("投诉超时未处理")
    finding.refresh_from_db()
    assert finding.notice == action
    with pytest.raises(ValidationError, match="already been issued"):
        services.finding_issue_notice(
            actor=leader, finding=finding, reply_deadline=TODAY, due_date=TODAY + timedelta(days=30)
        )
    assert CapaAction.objects.count() == 1


def test_only_quality_leader_or_clerk_issue_notices(role_user, leader, setup):
    check = _create(leader, setup["unit"])
    finding = services.check_add_finding(actor=leader, check=check, description="备件账实不符", severity="major")
    with pytest.raises(PermissionDenied):
        services.finding_issue_notice(
            actor=role_user(roles.AFTERSALES_MANAGER),
            finding=finding,
            reply_deadline=TODAY,
            due_date=TODAY + timedelta(days=3),
        )
    services.finding_issue_notice(
        actor=role_user(roles.QUALITY_CLERK), finding=finding, reply_deadline=TODAY, due_date=TODAY
    )
    assert CheckFinding.objects.get().notice is not None
