"""Demo repair quotes and claim costs: ``seed_quotes(users=..., stdout=...)``.

For three out-of-warranty demo complaints under analysis: the first gets a quote the
customer accepted (so its approval will not be held), the second a quote sent and awaiting
the customer, the third a refused one (those held at approval are carried on by
``servicing.demo.carry_on_held``). A few complaints get their actual cost. Nothing is added when demo quotes exist.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from complaints import services as complaint_services
from complaints.models import Complaint

from .models import ClaimCost, Quote
from .services import claim_cost_save, quote_create, quote_record_answer, quote_send

USERNAMES = ["aftersales_engineer", "aftersales_manager", "general_manager", "sales"]
LINES = [
    {"kind": "parts", "description": "真空断路器分闸线圈", "quantity": Decimal(2), "unit_price": Decimal("680.00")},
    {
        "kind": "labour",
        "description": "现场更换及调试（工时）",
        "quantity": Decimal(4),
        "unit_price": Decimal("150.00"),
    },
    {"kind": "travel", "description": "往返差旅", "quantity": Decimal(1), "unit_price": Decimal("420.00")},
]


def _answer_as(complaint, engineer):
    salesperson = complaint.customer.salesperson
    return salesperson if salesperson and salesperson.has_perm("servicing.answer_quote") else engineer


def _sign(complaint, users) -> None:
    """Sign the held approval now that the quote is accepted (company-caused ones were released)."""
    for username in ("aftersales_manager", "general_manager"):
        complaint.refresh_from_db()
        if complaint.state != Complaint.State.AWAITING_APPROVAL or complaint.responsibility != "customer":
            return
        try:
            complaint_services.complaint_sign_approval(actor=users[username], complaint=complaint, note="报价已确认")
        except (ValidationError, PermissionError):
            return


def seed_quotes(*, users=None, stdout) -> None:
    users = users or {u.username: u for u in get_user_model().objects.filter(username__in=USERNAMES)}
    if Quote.objects.filter(complaint__customer__code__startswith="KH").exists():
        stdout.write("Quotes: demo quotes already there, nothing added.")
        return
    engineer = users["aftersales_engineer"]
    candidates = list(
        Complaint.objects.filter(
            customer__code__startswith="KH",
            warranty_status=Complaint.Warranty.OUT,
            state=Complaint.State.ANALYSING,
        )
        .select_related("customer__salesperson")
        .order_by("received_at")[:3]
    )
    valid = timezone.localdate() + datetime.timedelta(days=30)
    for index, complaint in enumerate(candidates):
        quote = quote_create(
            actor=engineer, complaint=complaint, lines=LINES, valid_until=valid, notes="含税价，有效期三十天"
        )
        quote = quote_send(actor=engineer, quote=quote, via=[Quote.Via.EMAIL, Quote.Via.HANDED, Quote.Via.FAX][index])
        who = _answer_as(complaint, engineer)
        name = complaint.contact.name if complaint.contact else "设备科负责人"
        if index == 0:
            quote_record_answer(actor=who, quote=quote, accepted=True, name=name, date=timezone.localdate())
            _sign(complaint, users)
        elif index == 2:
            reason = "客户认为差旅费偏高，要求重新报价"
            quote_record_answer(
                actor=who, quote=quote, accepted=False, name=name, date=timezone.localdate(), reason=reason
            )
    costs = 0
    for complaint in Complaint.objects.filter(customer__code__startswith="KH", claim_cost__isnull=True).order_by(
        "received_at"
    )[:6]:
        actor = users["aftersales_manager"] if not complaint.is_open else engineer
        claim_cost_save(
            actor=actor,
            complaint=complaint,
            parts=Decimal(300 + 120 * costs),
            labour_hours=Decimal("3.5"),
            hourly_rate=Decimal("150.00"),
            travel=Decimal("260.00"),
            other=Decimal(0),
            notes="按实际领料与工时核算",
        )
        costs += 1
    stdout.write(f"Quotes: {len(candidates)} quotes, {ClaimCost.objects.count()} claim costs.")
