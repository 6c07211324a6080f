"""Transfers post both moves at once; scrap requests walk their states per role and never take reserved stock."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from parts import services, stock
from parts.models import ScrapRequest, StockLevel, StockMove, Transfer
from parts.tests.counts_fixtures import *  # noqa: F403 — the shared fixtures

from .factories import PartFactory, WarehouseFactory, stock_in

pytestmark = pytest.mark.django_db
State = ScrapRequest.State


def on_hand(part, warehouse):
    level = StockLevel.objects.filter(part=part, warehouse=warehouse).first()
    return level.on_hand if level else 0


def test_a_transfer_posts_the_move_out_and_the_move_in_together(cast, central, station, stocked):
    transfer = services.transfer_create(
        actor=cast.keeper, source=central, destination=station, lines=[(stocked[0], 4)], reason="补充服务站"
    )
    assert transfer.number.startswith("DB-")
    assert (on_hand(stocked[0], central), on_hand(stocked[0], station)) == (6, 4)
    moves = StockMove.objects.filter(reference=transfer.number).order_by("quantity")
    assert [(m.kind, m.quantity) for m in moves] == [("transfer_out", -4), ("transfer_in", 4)]
    assert all(m.document == transfer for m in moves)


def test_a_transfer_of_more_than_is_free_moves_nothing(cast, central, station, stocked):
    stock.reserve([(stocked[0].pk, central.pk, 8)])
    with pytest.raises(stock.InsufficientStock):
        services.transfer_create(
            actor=cast.keeper,
            source=central,
            destination=station,
            lines=[(stocked[1], 1), (stocked[0], 3)],
            reason="调拨",
        )
    assert Transfer.objects.count() == 0
    assert (on_hand(stocked[0], central), on_hand(stocked[1], central), on_hand(stocked[1], station)) == (10, 5, 0)


def test_a_transfer_to_the_same_or_an_inactive_warehouse_is_refused(cast, central, station, stocked):
    with pytest.raises(ValidationError) as refused:
        services.transfer_create(
            actor=cast.keeper, source=central, destination=central, lines=[(stocked[0], 1)], reason="x"
        )
    assert "destination" in refused.value.error_dict
    closed = WarehouseFactory(is_active=False)
    with pytest.raises(ValidationError) as refused:
        services.transfer_create(
            actor=cast.keeper, source=central, destination=closed, lines=[(stocked[0], 1)], reason="x"
        )
    assert "destination" in refused.value.error_dict


@pytest.mark.parametrize("who", ["other_keeper", "manager", "engineer", "management", "purchasing", "sales"])
def test_only_a_keeper_of_the_source_transfers(cast, central, station, stocked, who):
    with pytest.raises(PermissionDenied):
        services.transfer_create(
            actor=getattr(cast, who), source=central, destination=station, lines=[(stocked[0], 1)], reason="x"
        )


def scrap(cast, central, stocked, actor=None, quantity=2):
    return services.scrap_create(
        actor=actor or cast.keeper,
        warehouse=central,
        lines=[(stocked[0], quantity, "damaged", "受潮")],
        note="库房漏水",
    )


def test_scrap_cannot_ask_for_more_than_is_available(cast, central, stocked):
    stock.reserve([(stocked[0].pk, central.pk, 9)])
    with translation.override("en"), pytest.raises(ValidationError, match="2 wanted, 1 available"):
        scrap(cast, central, stocked)


def test_a_scrap_request_walks_draft_submitted_approved_posted(
    cast, central, stocked, count_mail, mailoutbox, django_capture_on_commit_callbacks
):
    request = scrap(cast, central, stocked)
    assert request.number.startswith("BF-") and request.state == State.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        services.scrap_submit(actor=cast.keeper, scrap=request)
    assert mailoutbox[-1].to == ["manager@example.com"]
    with django_capture_on_commit_callbacks(execute=True):
        services.scrap_approve(actor=cast.manager, scrap=request, note="同意")
    assert "keeper@example.com" in mailoutbox[-1].to
    services.scrap_post(actor=cast.keeper, scrap=request)
    request.refresh_from_db()
    assert request.state == State.POSTED and on_hand(stocked[0], central) == 8
    move = StockMove.objects.get(kind="scrap")
    assert (move.quantity, move.reference, move.document) == (-2, request.number, request)
    assert list(request.events.values_list("action", flat=True)) == ["created", "submitted", "approved", "posted"]


def test_posting_scrap_leaves_reserved_stock_alone(cast, central, stocked):
    request = scrap(cast, central, stocked, quantity=3)
    services.scrap_submit(actor=cast.keeper, scrap=request)
    services.scrap_approve(actor=cast.manager, scrap=request)
    stock.reserve([(stocked[0].pk, central.pk, 8)])
    with pytest.raises(stock.InsufficientStock):
        services.scrap_post(actor=cast.keeper, scrap=request)
    request.refresh_from_db()
    assert request.state == State.APPROVED and on_hand(stocked[0], central) == 10


def test_a_rejection_needs_a_reason_and_tells_the_requester(
    cast, van, central, count_mail, mailoutbox, django_capture_on_commit_callbacks
):
    part = PartFactory()
    stock_in(part, van, 2, actor=cast.keeper)
    request = services.scrap_create(actor=cast.engineer, warehouse=van, lines=[(part, 1, "obsolete", "")])
    with django_capture_on_commit_callbacks(execute=True):
        services.scrap_submit(actor=cast.engineer, scrap=request)
    with pytest.raises(ValidationError):
        services.scrap_reject(actor=cast.manager, scrap=request, note="")
    with django_capture_on_commit_callbacks(execute=True):
        services.scrap_reject(actor=cast.manager, scrap=request, note="还能用")
    assert mailoutbox[-1].to == ["engineer@example.com"]
    request.refresh_from_db()
    assert request.state == State.REJECTED and request.decision_note == "还能用"


@pytest.mark.parametrize("who", ["other_keeper", "manager", "engineer", "management", "purchasing", "sales"])
def test_only_a_keeper_or_the_vans_engineer_requests_scrap(cast, central, stocked, who):
    with pytest.raises(PermissionDenied):
        scrap(cast, central, stocked, actor=getattr(cast, who))


@pytest.mark.parametrize("who", ["keeper", "other_keeper", "engineer", "management", "purchasing"])
def test_only_the_manager_decides_on_scrap(cast, central, stocked, who):
    request = scrap(cast, central, stocked)
    services.scrap_submit(actor=cast.keeper, scrap=request)
    for step in (services.scrap_approve, services.scrap_reject):
        with pytest.raises(PermissionDenied):
            step(actor=getattr(cast, who), scrap=request, note="x")


@pytest.mark.parametrize("who", ["other_keeper", "manager", "engineer", "management"])
def test_only_a_keeper_of_the_warehouse_posts_scrap(cast, central, stocked, who):
    request = scrap(cast, central, stocked)
    services.scrap_submit(actor=cast.keeper, scrap=request)
    services.scrap_approve(actor=cast.manager, scrap=request)
    with pytest.raises(PermissionDenied):
        services.scrap_post(actor=getattr(cast, who), scrap=request)


def test_steps_out_of_order_are_refused(cast, central, stocked):
    request = scrap(cast, central, stocked)
    with pytest.raises(ValidationError):
        services.scrap_approve(actor=cast.manager, scrap=request)
    with pytest.raises(ValidationError):
        services.scrap_post(actor=cast.keeper, scrap=request)
    services.scrap_cancel(actor=cast.keeper, scrap=request, note="录错")
    with pytest.raises(ValidationError):
        services.scrap_submit(actor=cast.keeper, scrap=request)


@pytest.mark.parametrize("who", ["other_keeper", "manager", "engineer", "management", "purchasing"])
def test_only_the_requester_or_a_keeper_submits_or_cancels_scrap(cast, central, stocked, who):
    request = scrap(cast, central, stocked)
    with pytest.raises(PermissionDenied):
        services.scrap_submit(actor=getattr(cast, who), scrap=request)
    with pytest.raises(PermissionDenied):
        services.scrap_cancel(actor=getattr(cast, who), scrap=request)
    request.refresh_from_db()
    assert request.state == State.DRAFT


def test_scrap_cannot_be_posted_twice_or_after_a_rejection(cast, central, stocked):
    request = scrap(cast, central, stocked)
    services.scrap_submit(actor=cast.keeper, scrap=request)
    services.scrap_reject(actor=cast.manager, scrap=request, note="不同意")
    with pytest.raises(ValidationError):
        services.scrap_post(actor=cast.keeper, scrap=request)
    with pytest.raises(ValidationError):
        services.scrap_cancel(actor=cast.keeper, scrap=request)
