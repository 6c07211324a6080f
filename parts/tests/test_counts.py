"""Stock counts: the snapshot at the start, every transition per role, posting against the current balance."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from parts import services, stock
from parts.models import StockCount, StockCountEvent, StockLevel, StockMove
from parts.tests.counts_fixtures import *  # noqa: F403 — the shared fixtures

from .factories import PartFactory, WarehouseFactory, stock_in

pytestmark = pytest.mark.django_db
State = StockCount.State


def on_hand(part, warehouse):
    return StockLevel.objects.get(part=part, warehouse=warehouse).on_hand


def start(cast, central, **extra):
    return services.count_start(actor=cast.keeper, warehouse=central, kind="monthly", key_parts_only=True, **extra)


def key_in(count, actor, values: dict, reasons=None):
    reasons = reasons or {}
    entries = {line.pk: (values[line.part_id], reasons.get(line.part_id, "")) for line in count.lines.all()}
    return services.count_record(actor=actor, count=count, entries=entries)


def submitted(cast, central, stocked, counted=(9, 5, 0)):
    count = start(cast, central)
    values = dict(zip([p.pk for p in stocked], counted, strict=True))
    reasons = {p.pk: "破损未登记" for p in stocked}
    key_in(count, cast.keeper, values, reasons)
    return services.count_submit(actor=cast.keeper, count=count)


def test_starting_a_count_snapshots_the_system_quantity_of_each_key_part(cast, central, stocked):
    PartFactory(is_key=False)
    count = start(cast, central)
    assert count.number.startswith("PD-") and count.state == State.COUNTING
    assert {line.part_id: line.snapshot for line in count.lines.all()} == {
        stocked[0].pk: 10,
        stocked[1].pk: 5,
        stocked[2].pk: 0,
    }
    assert count.events.get().action == StockCountEvent.Action.STARTED


def test_a_second_open_count_of_the_same_warehouse_is_refused(cast, central, stocked):
    start(cast, central)
    with translation.override("en"), pytest.raises(ValidationError, match="already has a count"):
        start(cast, central)


def test_a_monthly_count_needs_key_parts_or_a_category(cast, central, stocked):
    with pytest.raises(ValidationError):
        services.count_start(actor=cast.keeper, warehouse=central, kind="monthly")
    count = services.count_start(actor=cast.keeper, warehouse=central, kind="monthly", category=stocked[0].category)
    assert [line.part_id for line in count.lines.all()] == [stocked[0].pk]


def test_an_opening_count_is_only_for_a_warehouse_without_moves(cast, central, stocked):
    with translation.override("en"), pytest.raises(ValidationError, match="opening"):
        services.count_start(actor=cast.keeper, warehouse=central, kind="opening")


@pytest.mark.parametrize("who", ["other_keeper", "manager", "engineer", "management", "purchasing", "sales"])
def test_only_a_keeper_of_the_warehouse_starts_a_count(cast, central, stocked, who):
    with pytest.raises(PermissionDenied):
        services.count_start(actor=getattr(cast, who), warehouse=central, kind="year_end")


def test_submitting_needs_every_line_counted_and_every_variance_explained(cast, central, stocked):
    count = start(cast, central)
    key_in(count, cast.keeper, {stocked[0].pk: 9, stocked[1].pk: 5, stocked[2].pk: None})
    with pytest.raises(ValidationError) as refused:
        services.count_submit(actor=cast.keeper, count=count)
    text = " ".join(refused.value.messages)
    assert stocked[0].code in text and stocked[2].code in text and stocked[1].code not in text
    count.refresh_from_db()
    assert count.state == State.COUNTING


@pytest.mark.parametrize("who", ["other_keeper", "manager", "engineer", "management"])
def test_only_a_keeper_of_the_warehouse_keys_in_and_submits(cast, central, stocked, who):
    count = start(cast, central)
    with pytest.raises(PermissionDenied):
        key_in(count, getattr(cast, who), {p.pk: 1 for p in stocked})
    key_in(count, cast.keeper, {p.pk: q for p, q in zip(stocked, (10, 5, 0), strict=True)})
    with pytest.raises(PermissionDenied):
        services.count_submit(actor=getattr(cast, who), count=count)


def test_submission_tells_the_manager_and_approval_tells_the_keeper(
    cast, central, stocked, count_mail, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        count = submitted(cast, central, stocked)
    assert [m.to for m in mailoutbox] == [["manager@example.com"]] and count.number in mailoutbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        services.count_approve(actor=cast.manager, count=count)
    assert mailoutbox[-1].to == ["keeper@example.com"]


@pytest.mark.parametrize("who", ["keeper", "other_keeper", "engineer", "management", "purchasing"])
def test_only_the_manager_approves_or_sends_back(cast, central, stocked, who):
    count = submitted(cast, central, stocked)
    with pytest.raises(PermissionDenied):
        services.count_approve(actor=getattr(cast, who), count=count)
    with pytest.raises(PermissionDenied):
        services.count_send_back(actor=getattr(cast, who), count=count, note="重盘")


def test_a_count_sent_back_is_counted_again(cast, central, stocked):
    count = submitted(cast, central, stocked)
    services.count_send_back(actor=cast.manager, count=count, note="差异太大，重盘")
    count.refresh_from_db()
    assert count.state == State.COUNTING
    assert count.events.filter(action="sent_back", note="差异太大，重盘", actor=cast.manager).exists()


def test_approving_twice_is_refused(cast, central, stocked):
    count = submitted(cast, central, stocked)
    services.count_approve(actor=cast.manager, count=count)
    with pytest.raises(ValidationError) as refused:
        services.count_approve(actor=cast.manager, count=count)
    assert refused.value.code == "state" and count.number in refused.value.messages[0]


def test_posting_writes_the_variance_against_the_current_balance(cast, central, stocked):
    count = submitted(cast, central, stocked, counted=(9, 6, 0))
    services.count_approve(actor=cast.manager, count=count)
    # Two leave the shelf after the count was taken: they stay issued.
    stock.post([stock.Move(StockMove.Kind.ISSUE, stocked[0].pk, central.pk, -2)], actor=cast.keeper)
    with pytest.raises(PermissionDenied):
        services.count_post(actor=cast.manager, count=count)
    services.count_post(actor=cast.keeper, count=count)
    assert on_hand(stocked[0], central) == 10 - 2 - 1
    assert on_hand(stocked[1], central) == 6
    moves = StockMove.objects.filter(kind="count", reference=count.number)
    assert sorted(m.quantity for m in moves) == [-1, 1]
    count.refresh_from_db()
    assert count.state == State.POSTED and count.posted_at


def test_a_posting_that_would_go_below_zero_is_refused_with_a_clear_message(cast, central, stocked):
    count = submitted(cast, central, stocked, counted=(2, 5, 0))
    services.count_approve(actor=cast.manager, count=count)
    stock.post([stock.Move(StockMove.Kind.ISSUE, stocked[0].pk, central.pk, -9)], actor=cast.keeper)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.count_post(actor=cast.keeper, count=count)
    assert "below zero" in refused.value.messages[0] and count.number in refused.value.messages[0]
    count.refresh_from_db()
    assert count.state == State.APPROVED and on_hand(stocked[0], central) == 1


def test_a_count_is_cancelled_with_a_reason_by_its_keeper_only(cast, central, stocked):
    count = start(cast, central)
    with pytest.raises(PermissionDenied):
        services.count_cancel(actor=cast.manager, count=count, note="x")
    with pytest.raises(ValidationError):
        services.count_cancel(actor=cast.keeper, count=count, note="")
    services.count_cancel(actor=cast.keeper, count=count, note="盘点范围错误")
    count.refresh_from_db()
    assert count.state == State.CANCELLED
    start(cast, central)  # the warehouse is free for a new count


def test_an_opening_count_loads_a_new_warehouse_without_reasons(cast, stocked):
    new = WarehouseFactory(code="ZD-NJ")
    new.keepers.add(cast.keeper)
    count = services.count_start(actor=cast.keeper, warehouse=new, kind="opening")
    key_in(count, cast.keeper, {p.pk: 4 for p in stocked})
    services.count_submit(actor=cast.keeper, count=count)
    services.count_approve(actor=cast.manager, count=count)
    services.count_post(actor=cast.keeper, count=count)
    assert [on_hand(p, new) for p in stocked] == [4, 4, 4]
    assert set(StockMove.objects.filter(warehouse=new).values_list("kind", flat=True)) == {"count"}


def test_the_station_keeper_counts_the_station_not_the_central_store(cast, central, station, stocked):
    stock_in(stocked[0], station, 3, actor=cast.other_keeper)
    count = services.count_start(actor=cast.other_keeper, warehouse=station, kind="year_end")
    assert count.lines.get(part=stocked[0]).snapshot == 3


@pytest.mark.parametrize("who", ["other_keeper", "manager", "engineer", "management", "purchasing"])
def test_only_a_keeper_of_the_warehouse_posts_or_cancels(cast, central, stocked, who):
    count = submitted(cast, central, stocked)
    services.count_approve(actor=cast.manager, count=count)
    with pytest.raises(PermissionDenied):
        services.count_post(actor=getattr(cast, who), count=count)
    with pytest.raises(PermissionDenied):
        services.count_cancel(actor=getattr(cast, who), count=count, note="x")
    count.refresh_from_db()
    assert count.state == State.APPROVED


def test_steps_out_of_order_are_refused(cast, central, stocked):
    count = start(cast, central)
    for step in (services.count_approve, services.count_post):
        with pytest.raises(ValidationError):
            step(actor=cast.manager if step is services.count_approve else cast.keeper, count=count)
    with pytest.raises(ValidationError):
        services.count_send_back(actor=cast.manager, count=count, note="x")
    services.count_cancel(actor=cast.keeper, count=count, note="重来")
    with pytest.raises(ValidationError):
        services.count_record(actor=cast.keeper, count=count, entries={})
    with pytest.raises(ValidationError):
        services.count_submit(actor=cast.keeper, count=count)


def test_a_count_sent_back_tells_the_keepers_why(
    cast, central, stocked, count_mail, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        count = submitted(cast, central, stocked)
    with django_capture_on_commit_callbacks(execute=True):
        services.count_send_back(actor=cast.manager, count=count, note="A-01 货位重盘")
    assert mailoutbox[-1].to == ["keeper@example.com"] and "A-01 货位重盘" in mailoutbox[-1].body


def test_a_superuser_may_count_any_warehouse(cast, central, stocked, make_user):
    admin = make_user(username="root", is_superuser=True)
    count = services.count_start(actor=admin, warehouse=central, kind="year_end")
    assert count.lines.count() == 3
