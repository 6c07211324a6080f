"""Transfers between warehouses (调拨): the move out and the move in, in one posting."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.numbering import next_number

from .. import stock
from ..models import StockMove, Transfer, TransferLine
from ..models.counts import is_keeper

__all__ = ["transfer_create"]


def _check(actor, source, destination, lines, reason) -> None:
    if not actor.has_perm("parts.add_transfer") or not is_keeper(actor, source):
        raise PermissionDenied
    errors = {}
    if source.pk == destination.pk:
        errors["destination"] = _("A transfer goes to another warehouse.")
    for field, warehouse in (("source", source), ("destination", destination)):
        if not warehouse.is_active:
            errors.setdefault(field, _("Warehouse %(warehouse)s is not active.") % {"warehouse": warehouse})
    if not (reason or "").strip():
        errors["reason"] = _("Say why the parts move.")
    if not lines:
        errors["__all__"] = _("A transfer needs at least one line.")
    elif len({part.pk for part, _q in lines}) != len(lines):
        errors["__all__"] = _("Each part appears once on a transfer.")
    elif any(quantity <= 0 for _p, quantity in lines):
        errors["__all__"] = _("Quantities must be above zero.")
    if errors:
        raise ValidationError(errors)


def _moves(transfer, lines) -> list[stock.Move]:
    moves = []
    for part, quantity in lines:
        common = {"reason": transfer.reason, "document": transfer, "reference": transfer.number}
        moves.append(stock.Move(StockMove.Kind.TRANSFER_OUT, part.pk, transfer.source_id, -quantity, **common))
        moves.append(stock.Move(StockMove.Kind.TRANSFER_IN, part.pk, transfer.destination_id, quantity, **common))
    return moves


@transaction.atomic
def transfer_create(*, actor, source, destination, lines: list[tuple], reason: str) -> Transfer:
    """Move ``lines`` [(part, quantity)] from ``source`` to ``destination`` at once, or refuse all.

    Only the free stock of the source moves (what requisitions reserved stays).
    """
    _check(actor, source, destination, lines, reason)
    transfer = Transfer.objects.create(
        number=next_number("DB", f"{timezone.localdate():%Y%m}"),
        source=source,
        destination=destination,
        reason=reason.strip(),
        actor=actor,
    )
    TransferLine.objects.bulk_create([TransferLine(transfer=transfer, part=p, quantity=q) for p, q in lines])
    stock.post(_moves(transfer, lines), actor=actor, at=transfer.at)
    return transfer
