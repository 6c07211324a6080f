"""What repair quotes add to complaints: the gate before rectification, the waiting step, the panel.

Registered from ``servicing.hooks.register``; complaints never import this module.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from aftersales import roles
from aftersales.waiting import Owed, related
from complaints.models import Complaint

from .history import HistoryEntry
from .models import ClaimCost, Quote

BEFORE_RECTIFYING = (Complaint.State.ANALYSING, Complaint.State.AWAITING_APPROVAL)
QUOTE_STEP = "repair_quote"


def needs_quote(complaint) -> bool:
    return complaint.warranty_status == Complaint.Warranty.OUT


def quote_gate(complaint) -> None:
    """Refuse rectification of an out-of-warranty complaint until the customer accepted a quote."""
    if not needs_quote(complaint) or complaint.quotes.filter(state=Quote.State.ACCEPTED).exists():
        return
    raise ValidationError(
        _(
            "Complaint %(number)s is out of warranty: rectification waits for the customer's "
            "acceptance of a repair quote."
        ),
        params={"number": complaint.number},
        code="quote",
    )


def _step(complaint, quotes: list[tuple[str, str]]) -> list[Owed]:
    states = {state for state, _number in quotes}
    if Quote.State.ACCEPTED in states:
        return []
    sent = [number for state, number in quotes if state == Quote.State.SENT]
    if sent:
        people = (related(complaint.customer, "salesperson"),) if complaint.customer.salesperson_id else ()
        step = _("get the customer's acceptance of the repair quote before rectification")
        return [Owed(step, roles.SALES, people, record=sent[0], code=QUOTE_STEP)]
    step = _("prepare and send a repair quote for the customer's acceptance")
    if complaint.assignee_id:
        return [Owed(step, people=(related(complaint, "assignee"),), code=QUOTE_STEP)]
    return [Owed(step, roles.AFTERSALES_ENGINEER, code=QUOTE_STEP)]


def quote_steps(complaints: list[Complaint]) -> dict[int, list[Owed]]:
    """Return the quote step of each out-of-warranty complaint before rectification (one query)."""
    gated = [c for c in complaints if needs_quote(c) and c.state in BEFORE_RECTIFYING]
    if not gated:
        return {}
    found: dict[int, list[tuple[str, str]]] = {c.pk: [] for c in gated}
    rows = (
        Quote.objects.filter(complaint__in=[c.pk for c in gated])
        .exclude(state=Quote.State.SUPERSEDED)
        .order_by("-revision")
        .values_list("complaint_id", "state", "number")
    )
    for complaint_id, state, number in rows:
        found[complaint_id].append((state, number))
    return {c.pk: owed for c in gated if (owed := _step(c, found[c.pk]))}


def quotes_context(request, complaint) -> dict | bool:
    """Return the complaint's quotes and claim cost for its page (two queries), or False to hide."""
    user = request.user
    see_quotes, see_cost = user.has_perm("servicing.view_quote"), user.has_perm("servicing.view_claimcost")
    if not (see_quotes or see_cost):
        return False
    quotes = list(complaint.quotes.order_by("-revision")) if see_quotes else []
    standing = [q for q in quotes if q.state != Quote.State.SUPERSEDED]
    cost = ClaimCost.objects.filter(complaint=complaint).first() if see_cost else None
    waits = needs_quote(complaint) and complaint.state in BEFORE_RECTIFYING
    return {
        "quotes": quotes,
        "needs_quote": needs_quote(complaint),
        "waits_on_acceptance": waits and not any(q.state == Quote.State.ACCEPTED for q in standing),
        "can_quote": (
            user.has_perm("servicing.add_quote")
            and needs_quote(complaint)
            and complaint.is_open
            and not any(q.state in (Quote.State.DRAFT, Quote.State.ACCEPTED) for q in standing)
        ),
        "see_quotes": see_quotes,
        "see_cost": see_cost,
        "cost": cost,
        "can_cost": user.has_perm("servicing.change_claimcost")
        and (complaint.is_open or user.has_perm("servicing.change_closed_claimcost")),
    }


def quote_history(user, serial: str) -> list[HistoryEntry]:
    """Return the repair quotes for complaints about the unit ``serial`` the user may see (one query)."""
    from .selectors import quotes_visible_to

    rows = quotes_visible_to(user).filter(complaint__serial_number=serial).select_related("complaint")
    return [
        HistoryEntry(
            when=quote.created_at,
            kind=_("Repair quote"),
            title=f"{quote.number} {quote.complaint.number}",
            detail=f"{quote.get_state_display()} · {quote.total} CNY",
            url=quote.get_absolute_url(),
        )
        for quote in rows
    ]
