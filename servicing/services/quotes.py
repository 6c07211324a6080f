"""Repair quotes outside warranty (维修报价) and the actual cost of each claim.

A quote is prepared as a draft, sent to the customer (recorded: who, when, how; an e-mail
to the customer's primary contact when it has an address) and answered by the customer:
accepted or refused. A revision supersedes the sent or refused quote it replaces. Every
step locks the quote, checks the stage and the role, and writes a line on the complaint's
timeline; an acceptance releases a complaint whose approval waited for it (complaints.guards).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from aftersales import outbox
from aftersales.numbering import next_number
from complaints import rules
from complaints.models import Complaint, ComplaintEvent
from complaints.services import complaint_release
from complaints.services.complaint import _event, _locked

from ..models import ClaimCost, Quote, QuoteLine

__all__ = [
    "quote_create",
    "quote_update",
    "quote_send",
    "quote_record_answer",
    "claim_cost_save",
]

LINE_FIELDS = ("kind", "description", "quantity", "unit_price")


def _check_lines(lines: list[dict]) -> list[QuoteLine]:
    if not lines:
        raise ValidationError(_("A quote needs at least one line."), code="lines")
    built = []
    for position, data in enumerate(lines, start=1):
        line = QuoteLine(position=position, **{name: data[name] for name in LINE_FIELDS})
        line.full_clean(exclude=["quote", "amount"])
        if line.quantity <= 0 or line.unit_price < 0:
            raise ValidationError(_("Quantities must be above zero and prices not negative."), code="lines")
        line.amount = line.quantity * line.unit_price
        built.append(line)
    return built


def _check_terms(tax_rate, valid_until) -> None:
    if tax_rate is None or not 0 <= tax_rate <= 100:
        raise ValidationError({"tax_rate": _("The tax rate is a percentage between 0 and 100.")})
    if valid_until is None or valid_until < timezone.localdate():
        raise ValidationError({"valid_until": _("The quote must be valid until today or later.")})


def _write_lines(quote: Quote, lines: list[QuoteLine]) -> None:
    quote.lines.all().delete()
    for line in lines:
        line.quote = quote
        line.save()
    quote.compute_totals(lines)


def _require_prepare(actor, complaint) -> None:
    if not actor.has_perm("servicing.add_quote") or not rules.can_see(complaint, actor):
        raise PermissionDenied


@transaction.atomic
def quote_create(
    *, actor, complaint: Complaint, lines: list[dict], valid_until, tax_rate=None, notes: str = ""
) -> Quote:
    """Prepare a draft quote (the next revision) for an open out-of-warranty complaint.

    A sent or refused quote still standing is superseded by it; a draft is revised in place.
    """
    complaint = _locked(complaint)
    _require_prepare(actor, complaint)
    if complaint.warranty_status != Complaint.Warranty.OUT:
        raise ValidationError(_("Only a repair out of warranty is quoted."), code="warranty")
    if not complaint.is_open:
        raise ValidationError(_("The complaint is no longer open."), code="state")
    standing = list(complaint.quotes.select_for_update().exclude(state=Quote.State.SUPERSEDED))
    if any(q.state == Quote.State.ACCEPTED for q in standing):
        raise ValidationError(_("The customer has already accepted a quote for this complaint."), code="accepted")
    if any(q.state == Quote.State.DRAFT for q in standing):
        raise ValidationError(_("A draft quote exists: revise it instead."), code="draft")
    tax_rate = Quote._meta.get_field("tax_rate").default if tax_rate is None else tax_rate
    _check_terms(tax_rate, valid_until)
    built = _check_lines(lines)
    revision = (complaint.quotes.aggregate(last=Max("revision"))["last"] or 0) + 1
    quote = Quote(
        complaint=complaint,
        revision=revision,
        tax_rate=tax_rate,
        valid_until=valid_until,
        notes=notes,
        created_by=actor,
        number=next_number("BJ", f"{timezone.localdate():%Y%m}"),
    )
    quote.save()
    now = timezone.now()
    for old in standing:
        old.supersede()
        old.superseded_at = now
        old.save()
    _write_lines(quote, built)
    quote.save()
    note = _("Repair quote %(number)s prepared (revision %(revision)s, %(total)s CNY)") % {
        "number": quote.number,
        "revision": revision,
        "total": quote.total,
    }
    _event(complaint, actor, ComplaintEvent.Action.UPDATED, note)
    return quote


def _locked_quote(quote: Quote) -> Quote:
    return Quote.objects.select_for_update(of=("self",)).select_related("complaint__customer").get(pk=quote.pk)


def _run(actor, quote: Quote, name: str) -> None:
    """Check the stage and the role for transition ``name`` of the locked ``quote`` and run it."""
    method = getattr(quote, name)
    if not rules.can_see(quote.complaint, actor):
        raise PermissionDenied
    if not can_proceed(method):
        raise ValidationError(
            _("Quote %(number)s is %(state)s; this step is not possible now."),
            params={"number": quote.number, "state": quote.get_state_display()},
            code="state",
        )
    if not method._django_fsm.has_transition_perm(quote, quote.state, actor):
        raise PermissionDenied
    method()


@transaction.atomic
def quote_update(*, actor, quote: Quote, lines: list[dict], valid_until, tax_rate, notes: str = "") -> Quote:
    """Change the lines and terms of a draft quote."""
    quote = _locked_quote(quote)
    if not actor.has_perm("servicing.change_quote") or not rules.can_see(quote.complaint, actor):
        raise PermissionDenied
    if quote.state != Quote.State.DRAFT:
        raise ValidationError(_("Only a draft quote can change; prepare a revision instead."), code="state")
    _check_terms(tax_rate, valid_until)
    built = _check_lines(lines)
    quote.tax_rate, quote.valid_until, quote.notes = tax_rate, valid_until, notes
    _write_lines(quote, built)
    quote.save()
    return quote


@transaction.atomic
def quote_send(*, actor, quote: Quote, via: str) -> Quote:
    """Record that the quote went to the customer; e-mail it to the primary contact when possible."""
    quote = _locked_quote(quote)
    if via not in Quote.Via.values:
        raise ValidationError({"via": _("Say how the quote was sent.")})
    _run(actor, quote, "send")
    if not quote.lines.exists():
        raise ValidationError(_("A quote needs at least one line."), code="lines")
    if quote.valid_until < timezone.localdate():
        raise ValidationError({"valid_until": _("The quote has expired; change its validity first.")})
    quote.sent_by, quote.sent_at, quote.sent_via = actor, timezone.now(), via
    quote.save()
    note = _("Repair quote %(number)s sent (%(via)s, %(total)s CNY)") % {
        "number": quote.number,
        "via": quote.get_sent_via_display(),
        "total": quote.total,
    }
    _event(quote.complaint, actor, ComplaintEvent.Action.UPDATED, note, at=quote.sent_at)
    contact = quote.complaint.customer.contacts.filter(is_primary=True).exclude(email="").first()
    if contact is not None:
        outbox.enqueue("servicing.quote_sent", quote.pk, extra={"contact": contact.pk})
    return quote


def _answer_problems(quote: Quote, accepted: bool, name: str, date, reason: str) -> dict:
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the name of the customer's person who answered.")
    if date is None:
        errors["date"] = _("Give the date of the customer's answer.")
    elif date > timezone.localdate():
        errors["date"] = _("The answer cannot be dated in the future.")
    elif date < timezone.localtime(quote.sent_at).date():
        errors["date"] = _("The answer cannot be dated before the quote was sent (%(sent)s).") % {
            "sent": f"{timezone.localtime(quote.sent_at):%Y-%m-%d}"
        }
    if not accepted and not reason.strip():
        errors["reason"] = _("Give the customer's reason for refusing.")
    return errors


@transaction.atomic
def quote_record_answer(*, actor, quote: Quote, accepted: bool, name: str, date, reason: str = "") -> Quote:
    """Record the customer's acceptance or refusal; an acceptance releases the held complaint."""
    quote = _locked_quote(quote)
    _locked(quote.complaint)  # one answer at a time per complaint: at most one quote accepted
    _run(actor, quote, "accept" if accepted else "refuse")
    if errors := _answer_problems(quote, accepted, name, date, reason):
        raise ValidationError(errors)
    quote.answer_name, quote.answer_date = name.strip(), date
    quote.refusal_reason = "" if accepted else reason.strip()
    quote.answer_recorded_by, quote.answer_recorded_at = actor, timezone.now()
    quote.save()
    params = {"number": quote.number, "name": quote.answer_name, "date": f"{date:%Y-%m-%d}"}
    if accepted:
        note = _("Repair quote %(number)s accepted by %(name)s on %(date)s") % params
    else:
        note = _("Repair quote %(number)s refused by %(name)s on %(date)s: %(reason)s") % {**params, "reason": reason}
    _event(quote.complaint, actor, ComplaintEvent.Action.UPDATED, note)
    if accepted:
        complaint_release(actor=actor, complaint=quote.complaint, note=note)
    return quote


COST_FIELDS = ("parts", "labour_hours", "hourly_rate", "travel", "other", "notes")


@transaction.atomic
def claim_cost_save(*, actor, complaint: Complaint, **data) -> ClaimCost:
    """Record or correct the actual cost of a claim; after closing only the after-sales manager may."""
    complaint = _locked(complaint)
    cost = ClaimCost.objects.select_for_update().filter(complaint=complaint).first()
    perm = "servicing.change_claimcost" if cost else "servicing.add_claimcost"
    if not actor.has_perm(perm) or not rules.can_see(complaint, actor):
        raise PermissionDenied
    if not complaint.is_open and not actor.has_perm("servicing.change_closed_claimcost"):
        raise PermissionDenied
    cost = cost or ClaimCost(complaint=complaint)
    for name in COST_FIELDS:
        if name in data:
            setattr(cost, name, data[name])
    cost.updated_by = actor
    cost.full_clean(exclude=["complaint", "labour", "total"])
    for name in COST_FIELDS[:-1]:
        if getattr(cost, name) < 0:
            raise ValidationError({name: _("An amount cannot be negative.")})
    cost.save()
    _event(
        complaint,
        actor,
        ComplaintEvent.Action.UPDATED,
        _("Claim cost recorded: %(total)s CNY") % {"total": cost.total},
    )
    return cost
