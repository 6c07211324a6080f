"""Requisition services: every step per role, the stock arithmetic, the ledger links, the notifications."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from aftersales.models import Notification

from .. import services, stock
from ..models import Requisition, RequisitionLine, StockLevel, StockMove
from .factories import PartFactory
from .requisition_setup import approved, draft, issued, submitted

pytestmark = pytest.mark.django_db
State = Requisition.State


def level(part, warehouse):
    row = StockLevel.objects.get(part=part, warehouse=warehouse)
    return row.on_hand, row.reserved


def lines_of(requisition):
    return {line.part.code: line for line in requisition.lines.select_related("part")}


def all_of(requisition, attribute="outstanding"):
    return {line.pk: getattr(line, attribute) for line in requisition.lines.all()}


def asked(requisition):
    return all_of(requisition, "quantity_requested")


# --- the happy path and its arithmetic ----------------------------------------------------------


def test_a_draft_gets_its_number_and_lines(req):
    requisition = draft(req)

    assert requisition.number.startswith("LY-") and requisition.state == State.DRAFT
    assert [(line.part, line.quantity_requested) for line in requisition.lines.all()] == [(req.coil, 3), (req.relay, 2)]
    assert requisition.events.get().action == "created"


def test_approval_reserves_and_issue_consumes_the_reservation(req):
    requisition = approved(req)
    assert level(req.coil, req.store) == (10, 3)

    requisition = services.requisition_issue(
        actor=req.keeper, requisition=requisition, quantities={lines_of(requisition)["PJ-COIL"].pk: 1}
    )
    assert requisition.state == State.PARTLY_ISSUED
    assert level(req.coil, req.store) == (9, 2)

    requisition = services.requisition_issue(actor=req.keeper, requisition=requisition, quantities=all_of(requisition))
    assert requisition.state == State.ISSUED
    assert level(req.coil, req.store) == (7, 0) and level(req.relay, req.store) == (8, 0)
    coil = lines_of(requisition)["PJ-COIL"]
    assert (coil.issued, coil.reserved, coil.unit_cost) == (3, 0, req.coil.standard_cost)
    assert list(stock.discrepancies()) == []


def test_the_manager_may_approve_less_than_asked(req):
    requisition = submitted(req)
    coil = lines_of(requisition)["PJ-COIL"]

    services.requisition_approve(actor=req.manager, requisition=requisition, quantities={coil.pk: 1})

    coil.refresh_from_db()
    assert (coil.quantity_approved, coil.reserved) == (1, 1)
    other = submitted(req)
    with pytest.raises(ValidationError):
        services.requisition_approve(
            actor=req.manager, requisition=other, quantities=asked(other) | {lines_of(other)["PJ-COIL"].pk: 9}
        )


def test_ledger_rows_name_the_requisition_line_complaint_and_visit(req):
    requisition = issued(req, purpose="visit", visit=req.visit)

    moves = list(StockMove.objects.filter(kind=StockMove.Kind.ISSUE))
    assert len(moves) == 2
    assert {m.reference for m in moves} == {requisition.number}
    assert {m.complaint_id for m in moves} == {req.complaint.pk} and {m.visit_id for m in moves} == {req.visit.pk}
    assert {m.document for m in moves} == set(requisition.lines.all())
    assert requisition.complaint == req.complaint  # filled from the visit


def test_return_of_unused_parts_is_bounded_by_what_was_issued(req):
    requisition = issued(req)
    coil = lines_of(requisition)["PJ-COIL"]

    services.requisition_return(actor=req.keeper, requisition=requisition, quantities={coil.pk: 2}, reason="未用完")

    coil.refresh_from_db()
    assert coil.returned == 2 and level(req.coil, req.store) == (9, 0)
    move = StockMove.objects.get(kind=StockMove.Kind.RETURN)
    assert move.complaint_id == req.complaint.pk and move.unit_cost == coil.unit_cost and move.reason == "未用完"
    with pytest.raises(ValidationError):
        services.requisition_return(actor=req.keeper, requisition=requisition, quantities={coil.pk: 2}, reason="再退")
    with pytest.raises(ValidationError):
        services.requisition_return(actor=req.keeper, requisition=requisition, quantities={coil.pk: 1}, reason=" ")


def test_close_releases_what_is_still_reserved(req):
    requisition = approved(req)
    coil = lines_of(requisition)["PJ-COIL"]
    requisition = services.requisition_issue(actor=req.keeper, requisition=requisition, quantities={coil.pk: 1})

    services.requisition_close(actor=req.engineer, requisition=requisition)

    requisition.refresh_from_db()
    assert requisition.state == State.CLOSED
    assert level(req.coil, req.store) == (9, 0) and level(req.relay, req.store) == (10, 0)


@pytest.mark.parametrize("stage", ["draft", "submitted", "approved", "partly_issued"])
def test_cancel_releases_reservations_from_every_open_stage(req, stage):
    requisition = {"draft": draft, "submitted": submitted, "approved": approved, "partly_issued": approved}[stage](req)
    if stage == "partly_issued":
        coil = lines_of(requisition)["PJ-COIL"]
        requisition = services.requisition_issue(actor=req.keeper, requisition=requisition, quantities={coil.pk: 1})

    services.requisition_cancel(actor=req.engineer, requisition=requisition, reason="客户自行更换")

    requisition.refresh_from_db()
    assert requisition.state == State.CANCELLED
    on_hand = 9 if stage == "partly_issued" else 10
    assert level(req.coil, req.store) == (on_hand, 0) and level(req.relay, req.store) == (10, 0)


def test_restock_moves_the_parts_into_the_van(req):
    requisition = issued(req, purpose="restock", target_warehouse=req.van)

    assert requisition.state == State.ISSUED
    assert level(req.coil, req.store) == (7, 0) and level(req.coil, req.van) == (3, 0)
    kinds = sorted(StockMove.objects.filter(reference=requisition.number).values_list("kind", flat=True))
    assert kinds == ["transfer_in", "transfer_in", "transfer_out", "transfer_out"]
    assert list(stock.discrepancies()) == []


def test_approval_is_all_or_nothing_with_a_shortage_message(req):
    lines = [
        {"part": req.coil, "warehouse": req.store, "quantity": 3},
        {"part": req.relay, "warehouse": req.store, "quantity": 11},
    ]
    requisition = submitted(req, lines=lines)

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.requisition_approve(actor=req.manager, requisition=requisition)

    assert "cannot be approved" in refused.value.messages[0]
    assert "Not enough PJ-RELAY in 中心库: 11 wanted, 10 available." in refused.value.messages
    requisition.refresh_from_db()
    assert requisition.state == State.SUBMITTED and level(req.coil, req.store) == (10, 0)


# --- drafting rules -----------------------------------------------------------------------------


def test_lines_are_checked_all_at_once(req):
    req.store.is_active = False
    req.store.save()
    old = PartFactory(code="PJ-OLD", is_active=False)
    lines = [
        {"part": old, "warehouse": req.station, "quantity": 1},
        {"part": req.coil, "warehouse": req.store, "quantity": 0},
    ]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        draft(req, lines=lines)

    assert len(refused.value.messages) == 3
    assert Requisition.objects.count() == 0


def test_a_salesperson_cannot_request_and_an_engineer_only_for_what_they_see(req):
    with pytest.raises(PermissionDenied):
        draft(req, actor=req.sales)
    with pytest.raises(ValidationError):
        draft(req, purpose="restock", target_warehouse=req.store)


def test_only_the_requester_changes_a_draft(req):
    requisition = draft(req)
    lines = [{"part": req.coil, "warehouse": req.store, "quantity": 5}]

    with pytest.raises(PermissionDenied):
        services.requisition_update(actor=req.other_engineer, requisition=requisition, lines=lines, reason="x")
    services.requisition_update(actor=req.engineer, requisition=requisition, lines=lines, reason="改为5个")

    assert [line.quantity_requested for line in requisition.lines.all()] == [5]


# --- who may take which step --------------------------------------------------------------------

STEPS = {
    "submit": lambda w, r: services.requisition_submit(actor=w.actor, requisition=r),
    "approve": lambda w, r: services.requisition_approve(actor=w.actor, requisition=r),
    "reject": lambda w, r: services.requisition_reject(actor=w.actor, requisition=r, reason="库存不足"),
    "issue": lambda w, r: services.requisition_issue(actor=w.actor, requisition=r, quantities=all_of(r)),
    "close": lambda w, r: services.requisition_close(actor=w.actor, requisition=r),
    "cancel": lambda w, r: services.requisition_cancel(actor=w.actor, requisition=r, reason="不需要了"),
}
STAGE = {"submit": draft, "approve": submitted, "reject": submitted, "issue": approved, "close": issued}
ALLOWED = {
    "submit": {"engineer"},
    "approve": {"manager"},
    "reject": {"manager"},
    "issue": {"keeper"},
    "close": {"engineer", "manager", "keeper", "other_keeper"},
    "cancel": {"engineer", "manager"},
}
DONE = {"submit": "submitted", "approve": "approved", "reject": "rejected", "issue": "issued"}
DONE |= {"close": "closed", "cancel": "cancelled"}
ACTORS = ("engineer", "other_engineer", "manager", "keeper", "other_keeper", "management", "sales")


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("step", list(STEPS))
def test_each_step_is_allowed_only_to_its_roles(req, step, actor):
    requisition = STAGE.get(step, submitted)(req)
    req.actor = getattr(req, actor)
    if actor in ALLOWED[step]:
        STEPS[step](req, requisition)
        assert requisition.events.latest("id").action == DONE[step]
    else:
        with pytest.raises((PermissionDenied, ValidationError)):
            STEPS[step](req, requisition)


@pytest.mark.parametrize("step", list(STEPS))
def test_each_step_is_refused_at_the_wrong_stage(req, step):
    requisition = draft(req) if step != "submit" else submitted(req)
    if step in ("submit", "cancel"):
        requisition = issued(req)
    req.actor = {"submit": req.engineer, "approve": req.manager, "reject": req.manager}.get(step, req.keeper)
    if step == "cancel":
        req.actor = req.manager

    with pytest.raises(ValidationError):
        STEPS[step](req, requisition)


def test_a_keeper_issues_only_from_their_own_warehouse(req):
    requisition = approved(req)

    with pytest.raises(PermissionDenied):
        services.requisition_issue(actor=req.other_keeper, requisition=requisition, quantities=all_of(requisition))
    assert level(req.coil, req.store) == (10, 3)


def test_rejecting_needs_a_reason(req):
    with pytest.raises(ValidationError):
        services.requisition_reject(actor=req.manager, requisition=submitted(req), reason="  ")


def test_issue_beyond_the_outstanding_quantity_is_refused(req):
    requisition = approved(req)
    coil = lines_of(requisition)["PJ-COIL"]

    with pytest.raises(ValidationError):
        services.requisition_issue(actor=req.keeper, requisition=requisition, quantities={coil.pk: 4})
    assert level(req.coil, req.store) == (10, 3)


# --- the database stands behind the rules -------------------------------------------------------


def test_constraints_refuse_impossible_line_quantities(req):
    line = draft(req).lines.first()
    for values in ({"issued": 1}, {"quantity_approved": 4}, {"quantity_approved": 1, "issued": 1, "returned": 2}):
        with pytest.raises(IntegrityError), transaction.atomic():
            RequisitionLine.objects.filter(pk=line.pk).update(**values)


# --- notifications ------------------------------------------------------------------------------


def test_each_step_writes_its_notification_once(req):
    requisition = issued(req)

    kinds = list(Notification.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["parts.requisition_submitted", "parts.requisition_approved", "parts.requisition_issued"]
    rejected = services.requisition_reject(actor=req.manager, requisition=submitted(req), reason="不批")
    assert Notification.objects.filter(kind="parts.requisition_rejected", object_id=rejected.pk).count() == 1
    assert requisition.number
