"""Requisitions (配件领用申请表): draft → submitted → approved / rejected → (partly) issued → closed.

An engineer drafts and submits; the after-sales manager approves (which reserves every
approved quantity, all or nothing) or rejects with a reason; the keeper of each line's
warehouse issues, in part or in full (ledger moves that consume the reservation and name
the complaint or visit they serve), and takes unused parts back. Closing or cancelling
releases what is still reserved. Every step locks the requisition, checks the stage and the
role, writes a timeline event and its notifications in the same transaction.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from aftersales import outbox
from aftersales.numbering import next_number
from complaints import rules
from servicing.selectors import visits_visible_to

from .. import stock
from ..models import Part, Requisition, RequisitionEvent, RequisitionLine, StockMove, Warehouse

__all__ = [
    "requisition_create",
    "requisition_update",
    "requisition_submit",
    "requisition_approve",
    "requisition_reject",
    "requisition_issue",
    "requisition_return",
    "requisition_close",
    "requisition_cancel",
]


Action = RequisitionEvent.Action


# --- drafting ------------------------------------------------------------------------------


def _check_target(actor, purpose, complaint, visit, target_warehouse) -> dict:
    """Return the complaint/visit/van fields for ``purpose``; refuse what the actor may not see."""
    if purpose == Requisition.Purpose.VISIT:
        if visit is None:
            raise ValidationError({"visit": _("Choose the service visit the parts are for.")})
        if not visits_visible_to(actor).filter(pk=visit.pk).exists():
            raise PermissionDenied
        return {"visit": visit, "complaint": visit.complaint, "target_warehouse": None}
    if purpose == Requisition.Purpose.RESTOCK:
        if target_warehouse is None or target_warehouse.kind != Warehouse.Kind.VAN or not target_warehouse.is_active:
            raise ValidationError({"target_warehouse": _("Choose an active engineer's van to restock.")})
        return {"visit": None, "complaint": None, "target_warehouse": target_warehouse}
    if complaint is None:
        raise ValidationError({"complaint": _("Choose the complaint the parts are for.")})
    if not rules.can_see(complaint, actor):
        raise PermissionDenied
    return {"visit": None, "complaint": complaint, "target_warehouse": None}


def _check_lines(lines: list[dict], target_warehouse=None) -> list[RequisitionLine]:
    """Build the lines: active parts, active warehouses, quantities above zero; all problems at once."""
    if not lines:
        raise ValidationError(_("A requisition needs at least one line."), code="lines")
    parts = Part.objects.in_bulk({line["part"].pk for line in lines})
    warehouses = Warehouse.objects.in_bulk({line["warehouse"].pk for line in lines})
    errors, built = [], []
    for position, data in enumerate(lines, start=1):
        part, warehouse, quantity = parts[data["part"].pk], warehouses[data["warehouse"].pk], data["quantity"]
        params = {"line": position, "part": part.code, "warehouse": warehouse.name}
        if not part.is_active:
            errors.append(_("Line %(line)s: part %(part)s is no longer in use.") % params)
        if not warehouse.is_active:
            errors.append(_("Line %(line)s: warehouse %(warehouse)s is closed.") % params)
        if target_warehouse is not None and warehouse.pk == target_warehouse.pk:
            errors.append(_("Line %(line)s: a van is not restocked from itself.") % params)
        if quantity is None or quantity <= 0:
            errors.append(_("Line %(line)s: the quantity must be above zero.") % params)
        built.append(RequisitionLine(position=position, part=part, warehouse=warehouse, quantity_requested=quantity))
    if errors:
        raise ValidationError(errors, code="lines")
    return built


def _event(requisition, actor, action, note: str = "", at=None) -> RequisitionEvent:
    return RequisitionEvent.objects.create(
        requisition=requisition, actor=actor, action=action, note=note, at=at or timezone.now()
    )


def _write_lines(requisition: Requisition, built: list[RequisitionLine]) -> None:
    requisition.lines.all().delete()
    for line in built:
        line.requisition = requisition
    RequisitionLine.objects.bulk_create(built)


@transaction.atomic
def requisition_create(
    *,
    actor,
    purpose: str,
    lines: list[dict],
    reason: str,
    complaint=None,
    visit=None,
    target_warehouse=None,
    notes: str = "",
) -> Requisition:
    """Draft a requisition for a complaint, a visit or a van, with its lines."""
    if not actor.has_perm("parts.add_requisition"):
        raise PermissionDenied
    target = _check_target(actor, purpose, complaint, visit, target_warehouse)
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the parts are needed for.")})
    built = _check_lines(lines, target["target_warehouse"])
    requisition = Requisition.objects.create(
        purpose=purpose,
        requester=actor,
        reason=reason.strip(),
        notes=notes,
        number=next_number("LY", f"{timezone.localdate():%Y%m}"),
        **target,
    )
    _write_lines(requisition, built)
    _event(requisition, actor, Action.CREATED)
    return requisition


def _locked(requisition: Requisition) -> Requisition:
    return Requisition.objects.select_for_update(of=("self",)).select_related("requester").get(pk=requisition.pk)


@transaction.atomic
def requisition_update(*, actor, requisition: Requisition, lines: list[dict], reason: str, notes: str = ""):
    """Change the lines, reason and notes of one's own draft."""
    requisition = _locked(requisition)
    if not Requisition.submit._django_fsm.has_transition_perm(requisition, Requisition.State.DRAFT, actor):
        raise PermissionDenied
    if requisition.state != Requisition.State.DRAFT:
        raise ValidationError(_("Only a draft requisition can change."), code="state")
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the parts are needed for.")})
    _write_lines(requisition, _check_lines(lines, requisition.target_warehouse))
    requisition.reason, requisition.notes = reason.strip(), notes
    requisition.save()
    _event(requisition, actor, Action.UPDATED)
    return requisition


# --- the steps -----------------------------------------------------------------------------


def _check(actor, requisition: Requisition, name: str):
    """Check the stage and the role for transition ``name`` of the locked requisition; return it."""
    method = getattr(requisition, name)
    if not Requisition.objects.visible_to(actor).filter(pk=requisition.pk).exists():
        raise PermissionDenied
    if not can_proceed(method):
        raise ValidationError(
            _("Requisition %(number)s is %(state)s; this step is not possible now."),
            params={"number": requisition.number, "state": requisition.get_state_display()},
            code="state",
        )
    if not method._django_fsm.has_transition_perm(requisition, requisition.state, actor):
        raise PermissionDenied
    return method


def _run(actor, requisition: Requisition, name: str) -> None:
    _check(actor, requisition, name)()


def _notify(kind: str, requisition: Requisition, event: RequisitionEvent) -> None:
    outbox.enqueue(f"parts.requisition_{kind}", requisition.pk, key=f"parts.requisition_{kind}:{event.pk}")


@transaction.atomic
def requisition_submit(*, actor, requisition: Requisition) -> Requisition:
    """Send one's draft to the after-sales manager for approval."""
    requisition = _locked(requisition)
    _run(actor, requisition, "submit")
    if not requisition.lines.exists():
        raise ValidationError(_("A requisition needs at least one line."), code="lines")
    requisition.submitted_at = timezone.now()
    requisition.save()
    _notify("submitted", requisition, _event(requisition, actor, Action.SUBMITTED, at=requisition.submitted_at))
    return requisition


def _approved_quantities(lines: list[RequisitionLine], quantities: dict | None) -> None:
    """Set each line's approved quantity (the manager may lower it, not raise it)."""
    quantities = quantities or {}
    errors = []
    for line in lines:
        approved = quantities.get(line.pk, line.quantity_requested)
        if approved is None or not 0 <= approved <= line.quantity_requested:
            errors.append(
                _("Line %(line)s: approve between 0 and the %(asked)s requested.")
                % {"line": line.position, "asked": line.quantity_requested}
            )
        line.quantity_approved = approved or 0
        line.reserved = line.quantity_approved
    if errors:
        raise ValidationError(errors, code="quantities")
    if not any(line.quantity_approved for line in lines):
        raise ValidationError(_("Approve at least one part, or reject the requisition."), code="quantities")


@transaction.atomic
def requisition_approve(*, actor, requisition: Requisition, quantities: dict | None = None, note: str = ""):
    """Approve (``quantities``: line id → approved quantity) and reserve the stock, all or nothing."""
    requisition = _locked(requisition)
    _run(actor, requisition, "approve")
    lines = list(requisition.lines.select_related("part", "warehouse"))
    _approved_quantities(lines, quantities)
    wanted = {}
    for line in lines:
        if line.quantity_approved:
            key = (line.part_id, line.warehouse_id)
            wanted[key] = wanted.get(key, 0) + line.quantity_approved
    try:
        stock.reserve([(part, warehouse, quantity) for (part, warehouse), quantity in wanted.items()])
    except stock.InsufficientStock as error:
        raise ValidationError(
            [_("The requisition cannot be approved: the stock is not there to reserve."), *error.messages],
            code="insufficient_stock",
        ) from error
    RequisitionLine.objects.bulk_update(lines, ["quantity_approved", "reserved"])
    requisition.decided_by, requisition.decided_at = actor, timezone.now()
    requisition.save()
    _notify("approved", requisition, _event(requisition, actor, Action.APPROVED, note, at=requisition.decided_at))
    return requisition


@transaction.atomic
def requisition_reject(*, actor, requisition: Requisition, reason: str) -> Requisition:
    """Turn the requisition down, saying why."""
    requisition = _locked(requisition)
    _run(actor, requisition, "reject")
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for rejecting.")})
    requisition.rejection_reason = reason.strip()
    requisition.decided_by, requisition.decided_at = actor, timezone.now()
    requisition.save()
    event = _event(requisition, actor, Action.REJECTED, requisition.rejection_reason, at=requisition.decided_at)
    _notify("rejected", requisition, event)
    return requisition


def keeps(user, warehouse_id: int) -> bool:
    """Whether ``user`` may move stock in the warehouse: one of its keepers, or a superuser."""
    if not user.has_perm("parts.move_stock"):
        return False
    return (
        user.is_superuser
        or Warehouse.keepers.through.objects.filter(warehouse_id=warehouse_id, user_id=user.pk).exists()
    )


def _lines_for_moves(requisition, actor, quantities: dict, limit) -> list[tuple[RequisitionLine, int]]:
    """Return (line, quantity) to move; refuse unknown lines, quantities out of range, others' warehouses."""
    lines = {
        line.pk: line for line in requisition.lines.select_for_update(of=("self",)).select_related("part", "warehouse")
    }
    chosen, errors = [], []
    for pk, quantity in quantities.items():
        line = lines.get(pk)
        if line is None:
            raise ValidationError(_("A line does not belong to this requisition."), code="lines")
        if not quantity:
            continue
        if not 0 < quantity <= limit(line):
            errors.append(_("Line %(line)s: between 1 and %(most)s.") % {"line": line.position, "most": limit(line)})
        elif not keeps(actor, line.warehouse_id):
            raise PermissionDenied
        chosen.append((line, quantity))
    if errors:
        raise ValidationError(errors, code="quantities")
    if not chosen:
        raise ValidationError(_("Enter a quantity for at least one line."), code="quantities")
    return chosen


def _issue_moves(requisition, line: RequisitionLine, quantity: int) -> list[stock.Move]:
    common = {"document": line, "reference": requisition.number, "unit_cost": line.unit_cost}
    if requisition.purpose == Requisition.Purpose.RESTOCK:
        reason = _("Restock of %(van)s") % {"van": requisition.target_warehouse.code}
        return [
            stock.Move(StockMove.Kind.TRANSFER_OUT, line.part_id, line.warehouse_id, -quantity,
                       reason=reason, from_reserved=quantity, **common),
            stock.Move(StockMove.Kind.TRANSFER_IN, line.part_id, requisition.target_warehouse_id, quantity,
                       reason=reason, **common),
        ]  # fmt: skip
    return [
        stock.Move(
            StockMove.Kind.ISSUE,
            line.part_id,
            line.warehouse_id,
            -quantity,
            from_reserved=quantity,
            complaint_id=requisition.complaint_id,
            visit_id=requisition.visit_id,
            **common,
        )
    ]


def _describe(pairs) -> str:
    return ", ".join(f"{line.part.code} × {quantity}" for line, quantity in pairs)


@transaction.atomic
def requisition_issue(*, actor, requisition: Requisition, quantities: dict) -> Requisition:
    """Issue ``quantities`` (line id → quantity, at most what is outstanding) from the keeper's warehouses."""
    requisition = _locked(requisition)
    issue = _check(actor, requisition, "issue")
    pairs = _lines_for_moves(requisition, actor, quantities, lambda line: line.outstanding)
    moves = []
    for line, quantity in pairs:
        if line.unit_cost is None:
            line.unit_cost = line.part.standard_cost
        moves += _issue_moves(requisition, line, quantity)
        line.issued += quantity
        line.reserved -= quantity
    everything = {line.pk: line for line in requisition.lines.all()}
    everything.update({line.pk: line for line, _quantity in pairs})
    issue(complete=all(line.outstanding == 0 for line in everything.values()))
    stock.post(moves, actor=actor)
    RequisitionLine.objects.bulk_update([line for line, _q in pairs], ["issued", "reserved", "unit_cost"])
    requisition.save()
    _notify("issued", requisition, _event(requisition, actor, Action.ISSUED, _describe(pairs)))
    return requisition


@transaction.atomic
def requisition_return(*, actor, requisition: Requisition, quantities: dict, reason: str) -> Requisition:
    """Take unused parts back into the warehouse they came from (up to issued − returned per line)."""
    requisition = _locked(requisition)
    if not Requisition.objects.visible_to(actor).filter(pk=requisition.pk).exists():
        raise PermissionDenied
    if requisition.state not in (Requisition.State.PARTLY_ISSUED, Requisition.State.ISSUED, Requisition.State.CLOSED):
        raise ValidationError(_("Nothing has been issued on this requisition."), code="state")
    if requisition.purpose == Requisition.Purpose.RESTOCK:
        raise ValidationError(_("Parts of a restocked van go back by a transfer."), code="state")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the parts come back.")})
    pairs = _lines_for_moves(requisition, actor, quantities, lambda line: line.returnable)
    moves = []
    for line, quantity in pairs:
        moves.append(
            stock.Move(
                StockMove.Kind.RETURN, line.part_id, line.warehouse_id, quantity, unit_cost=line.unit_cost,
                reason=reason.strip(), document=line, reference=requisition.number,
                complaint_id=requisition.complaint_id, visit_id=requisition.visit_id,
            )
        )  # fmt: skip
        line.returned += quantity
    stock.post(moves, actor=actor)
    RequisitionLine.objects.bulk_update([line for line, _q in pairs], ["returned"])
    _event(requisition, actor, Action.RETURNED, f"{_describe(pairs)}: {reason.strip()}")
    return requisition


def _release_all(requisition: Requisition) -> None:
    lines = list(requisition.lines.select_for_update().filter(reserved__gt=0))
    stock.release([(line.part_id, line.warehouse_id, line.reserved) for line in lines])
    for line in lines:
        line.reserved = 0
    RequisitionLine.objects.bulk_update(lines, ["reserved"])


@transaction.atomic
def requisition_close(*, actor, requisition: Requisition, note: str = "") -> Requisition:
    """Close an issued requisition; whatever is still reserved goes back to free stock."""
    requisition = _locked(requisition)
    _run(actor, requisition, "close")
    _release_all(requisition)
    requisition.finished_at = timezone.now()
    requisition.save()
    _event(requisition, actor, Action.CLOSED, note, at=requisition.finished_at)
    return requisition


@transaction.atomic
def requisition_cancel(*, actor, requisition: Requisition, reason: str) -> Requisition:
    """Cancel the requisition and release its reservations; parts already issued stay issued."""
    requisition = _locked(requisition)
    _run(actor, requisition, "cancel")
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    _release_all(requisition)
    requisition.finished_at = timezone.now()
    requisition.save()
    _event(requisition, actor, Action.CANCELLED, reason.strip(), at=requisition.finished_at)
    return requisition
