"""Stock counts (盘点): start (snapshot), key in, submit, approve or send back, post, cancel.

Starting a count copies each part's system quantity onto its line. Posting writes count
moves of (counted − snapshot) against the balance as it is *then*, so issues and receipts
made while the shelves were counted stay in the ledger. Every step locks the count,
checks its state and the actor's role, and records who did it, when and why.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales import outbox
from aftersales.numbering import next_number

from .. import stock
from ..models import Part, StockCount, StockCountEvent, StockCountLine, StockLevel, StockMove, Warehouse
from ..models.counts import is_keeper
from ._common import run_transition

__all__ = [
    "count_start",
    "count_record",
    "count_submit",
    "count_approve",
    "count_send_back",
    "count_post",
    "count_cancel",
]


def _event(count, actor, action, note="") -> None:
    StockCountEvent.objects.create(count=count, actor=actor, action=action, note=note)


def _locked(count: StockCount) -> StockCount:
    return StockCount.objects.select_for_update(of=("self",)).select_related("warehouse").get(pk=count.pk)


def _parts_to_count(warehouse, kind, key_parts_only, category):
    """The parts a new sheet lists: active ones, and any still in stock here, within its scope."""
    parts = Part.objects.filter(Q(is_active=True) | Q(levels__warehouse=warehouse, levels__on_hand__gt=0))
    if kind == StockCount.Kind.MONTHLY and key_parts_only:
        parts = parts.filter(is_key=True)
    if kind == StockCount.Kind.MONTHLY and category is not None:
        parts = parts.filter(category=category)
    return parts.distinct().values_list("pk", flat=True)


def _check_start(actor, warehouse, kind, key_parts_only, category) -> None:
    if not is_keeper(actor, warehouse) or not actor.has_perm("parts.add_stockcount"):
        raise PermissionDenied
    if not warehouse.is_active:
        raise ValidationError(_("Warehouse %(warehouse)s is not active.") % {"warehouse": warehouse}, code="warehouse")
    if StockCount.objects.filter(warehouse=warehouse, state__in=("counting", "submitted", "approved")).exists():
        raise ValidationError(
            _("Warehouse %(warehouse)s already has a count in progress: finish or cancel it first.")
            % {"warehouse": warehouse},
            code="open",
        )
    if kind == StockCount.Kind.OPENING and StockMove.objects.filter(warehouse=warehouse).exists():
        raise ValidationError(
            _("An opening count loads a new warehouse; %(warehouse)s already has stock moves.")
            % {"warehouse": warehouse},
            code="kind",
        )
    if kind == StockCount.Kind.MONTHLY and not key_parts_only and category is None:
        raise ValidationError(_("A monthly count covers the key parts or a chosen category."), code="category")


@transaction.atomic
def count_start(*, actor, warehouse: Warehouse, kind: str, key_parts_only=False, category=None, note="") -> StockCount:
    """Open a count sheet for ``warehouse`` and snapshot the system quantity of each of its parts."""
    warehouse = Warehouse.objects.select_for_update().get(pk=warehouse.pk)
    _check_start(actor, warehouse, kind, key_parts_only, category)
    now = timezone.now()
    count = StockCount.objects.create(
        number=next_number("PD", f"{timezone.localdate():%Y%m}"),
        warehouse=warehouse,
        kind=kind,
        key_parts_only=key_parts_only and kind == StockCount.Kind.MONTHLY,
        category=category if kind == StockCount.Kind.MONTHLY else None,
        note=note,
        started_by=actor,
        started_at=now,
    )
    part_ids = list(_parts_to_count(warehouse, kind, count.key_parts_only, count.category))
    levels = {
        lv.part_id: lv
        for lv in StockLevel.objects.filter(warehouse=warehouse, part_id__in=part_ids).only(
            "part_id", "on_hand", "bin_location"
        )
    }
    StockCountLine.objects.bulk_create(
        [
            StockCountLine(
                count=count,
                part_id=pk,
                snapshot=levels[pk].on_hand if pk in levels else 0,
                bin_location=levels[pk].bin_location if pk in levels else "",
            )
            for pk in part_ids
        ]
    )
    _event(count, actor, StockCountEvent.Action.STARTED, _("%(lines)s parts to count") % {"lines": len(part_ids)})
    return count


def _check_entries(count, entries: dict) -> dict:
    """Return {line pk: (counted, reason)} for lines of ``count``; refuse others and negatives."""
    lines = {line.pk: line for line in count.lines.select_related("part")}
    errors = []
    for pk, (counted, _reason) in entries.items():
        if pk not in lines:
            errors.append(_("Line %(line)s is not on count %(number)s.") % {"line": pk, "number": count.number})
        elif counted is not None and counted < 0:
            errors.append(_("%(part)s: a counted quantity is zero or more.") % {"part": lines[pk].part.code})
    if errors:
        raise ValidationError(errors, code="lines")
    return lines


@transaction.atomic
def count_record(*, actor, count: StockCount, entries: dict, imported=False) -> StockCount:
    """Save counted quantities and variance reasons: ``entries`` = {line pk: (counted or None, reason)}."""
    count = _locked(count)
    if not is_keeper(actor, count.warehouse):
        raise PermissionDenied
    if count.state != StockCount.State.COUNTING:
        raise ValidationError(
            _("Count %(number)s is %(state)s: its quantities cannot change now.")
            % {"number": count.number, "state": count.get_state_display()},
            code="state",
        )
    lines = _check_entries(count, entries)
    changed = []
    for pk, (counted, reason) in entries.items():
        line = lines[pk]
        if (line.counted, line.reason) != (counted, reason.strip()):
            line.counted, line.reason = counted, reason.strip()[:200]
            changed.append(line)
    StockCountLine.objects.bulk_update(changed, ["counted", "reason"])
    if changed:
        action = StockCountEvent.Action.IMPORTED if imported else StockCountEvent.Action.COUNTED
        _event(count, actor, action, _("%(lines)s lines changed") % {"lines": len(changed)})
    return count


def _check_complete(count) -> None:
    """Every line counted; every variance explained (an opening count explains itself)."""
    errors = []
    for line in count.lines.select_related("part"):
        if line.counted is None:
            errors.append(_("%(part)s has not been counted.") % {"part": line.part.code})
        elif line.variance and not line.reason and count.kind != StockCount.Kind.OPENING:
            errors.append(_("%(part)s: give the reason for the variance.") % {"part": line.part.code})
    if errors:
        raise ValidationError(errors, code="lines")


def _managers_notified(count) -> None:
    outbox.enqueue("parts.count_submitted", count.pk, key=f"parts.count_submitted:{count.pk}:{count.submitted_at}")


@transaction.atomic
def count_submit(*, actor, count: StockCount, note="") -> StockCount:
    """Hand the counted sheet with its variances to the after-sales manager."""
    count = _locked(count)
    run_transition(actor, count, "submit")
    _check_complete(count)
    count.submitted_at = timezone.now()
    count.save()
    _event(count, actor, StockCountEvent.Action.SUBMITTED, note)
    _managers_notified(count)
    return count


@transaction.atomic
def count_approve(*, actor, count: StockCount, note="") -> StockCount:
    """Accept the variances; the keeper posts them next."""
    count = _locked(count)
    run_transition(actor, count, "approve")
    count.approved_by, count.approved_at = actor, timezone.now()
    count.save()
    _event(count, actor, StockCountEvent.Action.APPROVED, note)
    outbox.enqueue("parts.count_approved", count.pk, key=f"parts.count_approved:{count.pk}")
    return count


@transaction.atomic
def count_send_back(*, actor, count: StockCount, note: str) -> StockCount:
    """Return the sheet for a recount or better reasons; the note says what is wrong."""
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the count goes back.")})
    count = _locked(count)
    run_transition(actor, count, "send_back")
    count.save()
    _event(count, actor, StockCountEvent.Action.SENT_BACK, note)
    outbox.enqueue("parts.count_sent_back", count.pk, extra={"note": note})
    return count


def _moves(count) -> list[stock.Move]:
    moves = []
    for line in count.lines.all():
        if line.variance:
            reason = line.reason or str(count.get_kind_display())
            moves.append(
                stock.Move(
                    StockMove.Kind.COUNT,
                    line.part_id,
                    count.warehouse_id,
                    line.variance,
                    reason=reason,
                    document=count,
                    reference=count.number,
                )
            )
    return moves


@transaction.atomic
def count_post(*, actor, count: StockCount) -> StockCount:
    """Write count moves of (counted − snapshot) against the current balances."""
    count = _locked(count)
    run_transition(actor, count, "post")
    try:
        stock.post(_moves(count), actor=actor)
    except stock.InsufficientStock as error:
        raise ValidationError(
            [
                _(
                    "Posting count %(number)s would take stock below zero: more left the shelf since the count "
                    "started than the count allows. Send it back for a recount."
                )
                % {"number": count.number},
                *error.messages,
            ],
            code="below_zero",
        ) from None
    count.posted_at = timezone.now()
    count.save()
    _event(count, actor, StockCountEvent.Action.POSTED)
    return count


@transaction.atomic
def count_cancel(*, actor, count: StockCount, note: str) -> StockCount:
    """Drop a count that has not been posted; nothing moves."""
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the count is cancelled.")})
    count = _locked(count)
    run_transition(actor, count, "cancel")
    count.save()
    _event(count, actor, StockCountEvent.Action.CANCELLED, note)
    return count
