"""Purchase plans: submit, approve or send back, order, receive, cancel and close.

Every step locks its row, checks the state and the role (the transition's permission),
and records who did it on the plan's timeline. Purchasing records receipts (and so may
the keeper of the receiving warehouse): the receipt posts a receipt move at the actual
unit cost through the stock service, in the same transaction.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales import outbox

from .. import stock
from ..models import PlanEvent, PurchasePlan, PurchasePlanLine, PurchaseReceipt, StockMove
from ._common import run_transition
from .reorder import month_plan

__all__ = [
    "line_add",
    "line_cancel",
    "line_order",
    "plan_approve",
    "plan_close",
    "plan_send_back",
    "plan_submit",
    "receipt_record",
]


def _event(plan, actor, action: str, note: str = "") -> None:
    PlanEvent.objects.create(plan=plan, actor=actor, action=action, note=note)


def _locked(plan) -> PurchasePlan:
    return PurchasePlan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def plan_submit(*, actor, plan: PurchasePlan) -> PurchasePlan:
    """Send the plan to the after-sales manager for approval."""
    plan = _locked(plan)
    run_transition(actor, plan, "submit")
    if not plan.lines.filter(state=PurchasePlanLine.State.OPEN).exists():
        raise ValidationError(_("The plan has no open line to approve."), code="empty")
    plan.submitted_at = timezone.now()
    plan.save()
    _event(plan, actor, "submitted")
    outbox.enqueue("parts.plan_submitted", plan.pk)
    return plan


@transaction.atomic
def plan_approve(*, actor, plan: PurchasePlan, note: str = "") -> PurchasePlan:
    plan = _locked(plan)
    run_transition(actor, plan, "approve")
    plan.approved_by, plan.approved_at = actor, timezone.now()
    plan.save()
    _event(plan, actor, "approved", note)
    return plan


@transaction.atomic
def plan_send_back(*, actor, plan: PurchasePlan, reason: str) -> PurchasePlan:
    """Return the plan to purchasing with the reason; it may be changed and submitted again."""
    plan = _locked(plan)
    run_transition(actor, plan, "send_back")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the plan goes back.")})
    plan.save()
    _event(plan, actor, "sent_back", reason.strip())
    return plan


@transaction.atomic
def plan_close(*, actor, plan: PurchasePlan) -> PurchasePlan:
    """Close an approved plan once nothing is awaited; lines never ordered are cancelled."""
    plan = _locked(plan)
    run_transition(actor, plan, "close")
    waiting = plan.lines.filter(state__in=[PurchasePlanLine.State.ORDERED, PurchasePlanLine.State.PARTLY])
    if waiting.exists():
        raise ValidationError(_("Goods ordered on this plan are still awaited."), code="waiting")
    for line in plan.lines.select_for_update().filter(state=PurchasePlanLine.State.OPEN):
        line.cancel()
        line.save()
    plan.save()
    _event(plan, actor, "closed")
    return plan


def _locked_line(line) -> PurchasePlanLine:
    return PurchasePlanLine.objects.select_for_update(of=("self",)).select_related("plan", "part").get(pk=line.pk)


@transaction.atomic
def line_add(*, actor, part, warehouse, quantity: int, needed_by, supplier=None, unit_price=None) -> PurchasePlanLine:
    """Add a line by hand to the month's open plan (purchasing)."""
    if not actor.has_perm("parts.change_purchaseplan"):
        raise PermissionDenied
    errors = {}
    if not quantity or quantity <= 0:
        errors["quantity"] = _("The quantity must be above zero.")
    if needed_by is None or needed_by < timezone.localdate():
        errors["needed_by"] = _("The needed-by date cannot be in the past.")
    open_states = ("open", "ordered", "partly_received")
    if PurchasePlanLine.objects.filter(part=part, warehouse=warehouse, state__in=open_states).exists():
        errors["part"] = _("This part is already on an open plan line for this warehouse.")
    if errors:
        raise ValidationError(errors)
    plan = month_plan()
    line = PurchasePlanLine.objects.create(
        plan=plan,
        part=part,
        warehouse=warehouse,
        quantity=quantity,
        needed_by=needed_by,
        supplier=supplier,
        unit_price=unit_price,
        source=PurchasePlanLine.Source.MANUAL,
    )
    _event(plan, actor, "line_added", f"{part.code} × {quantity} → {warehouse.code}")
    return line


def _require_purchasing(actor) -> None:
    if not actor.has_perm("parts.change_purchaseplanline"):
        raise PermissionDenied


@transaction.atomic
def line_order(*, actor, line: PurchasePlanLine, order_reference: str, promised_date, supplier=None, unit_price=None):
    """Record the purchase order of an approved line: its reference and the promised date."""
    line = _locked_line(line)
    _require_purchasing(actor)
    if line.plan.state != PurchasePlan.State.APPROVED:
        raise ValidationError(_("Only lines of an approved plan are ordered."), code="state")
    run_transition(actor, line, "order")
    errors = {}
    if not order_reference.strip():
        errors["order_reference"] = _("Give the purchase order's reference.")
    if promised_date is None or promised_date < timezone.localdate():
        errors["promised_date"] = _("The promised date cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    line.order_reference, line.promised_date = order_reference.strip(), promised_date
    line.supplier = supplier or line.supplier
    line.unit_price = line.unit_price if unit_price is None else unit_price
    line.ordered_at = timezone.now()
    line.save()
    _event(line.plan, actor, "ordered", f"{line.part.code} {line.order_reference}")
    return line


@transaction.atomic
def line_cancel(*, actor, line: PurchasePlanLine, reason: str) -> PurchasePlanLine:
    """Cancel what is still outstanding of a line (purchasing); a reason is required."""
    line = _locked_line(line)
    _require_purchasing(actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the line is cancelled.")})
    run_transition(actor, line, "cancel")
    line.save()
    _event(line.plan, actor, "line_cancelled", f"{line.part.code}: {reason.strip()}")
    return line


def may_receive(user, line) -> bool:
    """Purchasing records any receipt; a keeper records those into a warehouse they keep."""
    if not user.has_perm("parts.receive_purchase"):
        return False
    if user.has_perm("parts.change_purchaseplanline"):
        return True
    return line.warehouse.keepers.filter(pk=user.pk).exists()


def _receipt_problems(line, received: int, rejected: int, unit_cost, date) -> dict:
    errors = {}
    if not received or received <= 0:
        errors["quantity_received"] = _("The quantity received must be above zero.")
    elif rejected is None or rejected < 0 or rejected > received:
        errors["quantity_rejected"] = _("The rejected quantity is between zero and the quantity received.")
    elif received - rejected > line.outstanding:
        errors["quantity_received"] = _("Only %(n)s are still outstanding on this line.") % {"n": line.outstanding}
    if unit_cost is None or unit_cost < 0:
        errors["unit_cost"] = _("Give the actual unit cost (not negative).")
    if date is None or date > timezone.localdate():
        errors["received_date"] = _("The receipt cannot be dated in the future.")
    elif line.ordered_at and date < timezone.localtime(line.ordered_at).date():
        errors["received_date"] = _("The receipt cannot be dated before the order.")
    return errors


@transaction.atomic
def receipt_record(
    *, actor, line: PurchasePlanLine, quantity_received: int, quantity_rejected: int, unit_cost, received_date, notes=""
) -> PurchaseReceipt:
    """Record goods received; the accepted quantity goes into stock at the actual unit cost."""
    line = _locked_line(line)
    if not may_receive(actor, line):
        raise PermissionDenied
    if line.state not in (PurchasePlanLine.State.ORDERED, PurchasePlanLine.State.PARTLY):
        raise ValidationError(_("Only an ordered line receives goods."), code="state")
    if errors := _receipt_problems(line, quantity_received, quantity_rejected, unit_cost, received_date):
        raise ValidationError(errors)
    receipt = PurchaseReceipt.objects.create(
        line=line,
        quantity_received=quantity_received,
        quantity_rejected=quantity_rejected,
        unit_cost=unit_cost,
        received_date=received_date,
        promised_date=line.promised_date,
        received_by=actor,
        notes=notes,
    )
    line.received_quantity += receipt.accepted
    # The line's state changes before the move, so the reorder check after it sees it closed.
    line.receive_all() if line.received_quantity >= line.quantity else line.receive_part()
    line.save()
    if receipt.accepted:
        move = stock.Move(
            StockMove.Kind.RECEIPT,
            line.part_id,
            line.warehouse_id,
            receipt.accepted,
            unit_cost=unit_cost,
            reason=_("Purchase receipt"),
            document=receipt,
            reference=line.plan.number,
        )
        stock.post([move], actor=actor)
    note = _("%(part)s: %(received)s received, %(rejected)s rejected") % {
        "part": line.part.code,
        "received": quantity_received,
        "rejected": quantity_rejected,
    }
    _event(line.plan, actor, "received", note)
    return receipt
