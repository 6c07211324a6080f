"""Scrap requests (报废): asked for by a keeper or engineer, decided by the manager, posted by the keeper."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales import outbox
from aftersales.numbering import next_number

from .. import stock
from ..models import ScrapEvent, ScrapLine, ScrapRequest, StockLevel, StockMove
from ..models.counts import is_keeper
from ._common import run_transition

__all__ = ["scrap_create", "scrap_submit", "scrap_approve", "scrap_reject", "scrap_post", "scrap_cancel"]


def _event(scrap, actor, action, note="") -> None:
    ScrapEvent.objects.create(request=scrap, actor=actor, action=action, note=note)


def _locked(scrap) -> ScrapRequest:
    return ScrapRequest.objects.select_for_update(of=("self",)).select_related("warehouse").get(pk=scrap.pk)


def may_request(user, warehouse) -> bool:
    """A keeper of the warehouse, or an engineer whose van it is."""
    if not user.has_perm("parts.add_scraprequest"):
        return False
    return is_keeper(user, warehouse) or warehouse.keepers.filter(pk=user.pk).exists()


def _check_available(warehouse, lines) -> None:
    """Refuse lines asking for more than is free in the warehouse (all problems at once)."""
    levels = {lv.part_id: lv for lv in StockLevel.objects.filter(warehouse=warehouse, part__in=[p for p, *_r in lines])}
    errors = []
    for part, quantity, *_rest in lines:
        free = levels[part.pk].available if part.pk in levels else 0
        if quantity > free:
            errors.append(
                _("Not enough %(part)s in %(warehouse)s: %(wanted)s wanted, %(available)s available.")
                % {"part": part.code, "warehouse": warehouse.name, "wanted": quantity, "available": free}
            )
    if errors:
        raise ValidationError(errors, code="insufficient_stock")


def _check_lines(lines) -> None:
    if not lines:
        raise ValidationError(_("A scrap request needs at least one line."), code="lines")
    if len({line[0].pk for line in lines}) != len(lines):
        raise ValidationError(_("Each part appears once on a scrap request."), code="lines")
    if any(line[1] <= 0 for line in lines):
        raise ValidationError(_("Quantities must be above zero."), code="lines")


@transaction.atomic
def scrap_create(*, actor, warehouse, lines: list[tuple], note="") -> ScrapRequest:
    """Draft a request for ``lines`` [(part, quantity, reason kind, note)] of ``warehouse``."""
    if not may_request(actor, warehouse):
        raise PermissionDenied
    _check_lines(lines)
    _check_available(warehouse, lines)
    scrap = ScrapRequest.objects.create(
        number=next_number("BF", f"{timezone.localdate():%Y%m}"), warehouse=warehouse, note=note, requested_by=actor
    )
    ScrapLine.objects.bulk_create(
        [ScrapLine(request=scrap, part=p, quantity=q, reason=r, note=n[:200]) for p, q, r, n in lines]
    )
    _event(scrap, actor, ScrapEvent.Action.CREATED)
    return scrap


def _lines(scrap):
    return [(line.part, line.quantity) for line in scrap.lines.select_related("part")]


@transaction.atomic
def scrap_submit(*, actor, scrap: ScrapRequest, note="") -> ScrapRequest:
    """Ask the after-sales manager to approve the write-off."""
    scrap = _locked(scrap)
    run_transition(actor, scrap, "submit")
    _check_available(scrap.warehouse, _lines(scrap))
    scrap.submitted_at = timezone.now()
    scrap.save()
    _event(scrap, actor, ScrapEvent.Action.SUBMITTED, note)
    outbox.enqueue("parts.scrap_submitted", scrap.pk, key=f"parts.scrap_submitted:{scrap.pk}")
    return scrap


def _decide(actor, scrap, name, action, note) -> ScrapRequest:
    scrap = _locked(scrap)
    run_transition(actor, scrap, name)
    scrap.decided_by, scrap.decided_at, scrap.decision_note = actor, timezone.now(), note
    scrap.save()
    _event(scrap, actor, action, note)
    outbox.enqueue(f"parts.scrap_{action}", scrap.pk, key=f"parts.scrap_{action}:{scrap.pk}")
    return scrap


@transaction.atomic
def scrap_approve(*, actor, scrap: ScrapRequest, note="") -> ScrapRequest:
    """Approve the write-off; the keeper posts it."""
    return _decide(actor, scrap, "approve", ScrapEvent.Action.APPROVED, note)


@transaction.atomic
def scrap_reject(*, actor, scrap: ScrapRequest, note: str) -> ScrapRequest:
    """Refuse the write-off, saying why."""
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the request is rejected.")})
    return _decide(actor, scrap, "reject", ScrapEvent.Action.REJECTED, note)


@transaction.atomic
def scrap_post(*, actor, scrap: ScrapRequest) -> ScrapRequest:
    """Take the approved parts out of the available stock as scrap moves."""
    scrap = _locked(scrap)
    run_transition(actor, scrap, "post")
    moves = [
        stock.Move(
            StockMove.Kind.SCRAP,
            line.part_id,
            scrap.warehouse_id,
            -line.quantity,
            reason=line.get_reason_display() + (f": {line.note}" if line.note else ""),
            document=scrap,
            reference=scrap.number,
        )
        for line in scrap.lines.all()
    ]
    stock.post(moves, actor=actor)
    scrap.posted_at = timezone.now()
    scrap.save()
    _event(scrap, actor, ScrapEvent.Action.POSTED)
    return scrap


@transaction.atomic
def scrap_cancel(*, actor, scrap: ScrapRequest, note="") -> ScrapRequest:
    """Withdraw a request that has not been posted."""
    scrap = _locked(scrap)
    run_transition(actor, scrap, "cancel")
    scrap.save()
    _event(scrap, actor, ScrapEvent.Action.CANCELLED, note)
    return scrap
