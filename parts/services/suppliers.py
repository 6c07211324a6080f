"""Supplier ratings (with figures prefilled from receipts) and reminders of expiring documents."""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales import outbox

from ..models import PurchaseReceipt, Supplier, SupplierDocument, SupplierRating
from ..models.suppliers import SCORE_NAMES, grade_for

__all__ = [
    "period_range",
    "rating_default_period",
    "rating_prefill",
    "rating_save",
    "remind_expiring_documents",
    "rating_weights",
]

DEFAULT_WEIGHTS = {"qualification": 15, "reputation": 10, "quality": 35, "price": 20, "lead_time": 20}
PERIOD = re.compile(r"^(?P<year>20\d\d)(?:-Q(?P<quarter>[1-4]))?$")


def rating_weights() -> dict:
    """The weights (%) of the five scores, from settings.PARTS_RATING_WEIGHTS; they sum to 100."""
    weights = getattr(settings, "PARTS_RATING_WEIGHTS", DEFAULT_WEIGHTS)
    if set(weights) != set(SCORE_NAMES) or sum(weights.values()) != 100:
        raise ValueError("PARTS_RATING_WEIGHTS must weigh the five scores and sum to 100")
    return dict(weights)


def period_range(period: str) -> tuple[datetime.date, datetime.date]:
    """Return the first and last day of a period ``2026-Q3`` or ``2026``."""
    match = PERIOD.match(period or "")
    if not match:
        raise ValidationError({"period": _("A period is a quarter such as 2026-Q3 or a year such as 2026.")})
    year = int(match["year"])
    if match["quarter"] is None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    first_month = 3 * int(match["quarter"]) - 2
    start = datetime.date(year, first_month, 1)
    end = datetime.date(year + (first_month == 10), (first_month + 3) % 12 or 12, 1) - datetime.timedelta(days=1)
    return start, end


def quarter_of(day: datetime.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def rating_default_period(supplier: Supplier, today: datetime.date | None = None) -> str:
    """The quarter to rate by default: the latest up to today with receipts, else the last complete one.

    The latest receipt decides, so the current quarter wins when it already has receipts; a
    quarter without receipts would leave quality and lead time empty.
    """
    today = today or timezone.localdate()
    receipts = PurchaseReceipt.objects.filter(line__supplier=supplier, received_date__lte=today)
    latest = receipts.aggregate(latest=Max("received_date"))["latest"]
    if latest is not None:
        return quarter_of(latest)
    start, _end = period_range(quarter_of(today))
    return quarter_of(start - datetime.timedelta(days=1))


def rating_prefill(supplier: Supplier, period: str) -> dict:
    """Quality and lead-time scores from the period's receipts of ``supplier`` (None when none).

    Quality = 100 × (1 − rejected / received); lead time = share of receipts on or before the
    promised date × 100.
    """
    start, end = period_range(period)
    receipts = PurchaseReceipt.objects.filter(line__supplier=supplier, received_date__range=(start, end))
    totals = receipts.aggregate(
        received=Sum("quantity_received"),
        rejected=Sum("quantity_rejected"),
        count=Count("id"),
        on_time=Count("id", filter=Q(promised_date__isnull=True) | Q(received_date__lte=F("promised_date"))),
    )
    if not totals["received"]:
        return {"quality": None, "lead_time": None, "receipts": 0}
    quality = 100 * (1 - Decimal(totals["rejected"] or 0) / totals["received"])
    lead = 100 * Decimal(totals["on_time"] or 0) / totals["count"]
    return {"quality": _round(quality), "lead_time": _round(lead), "receipts": totals["count"]}


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def weighted(scores: dict, weights: dict) -> Decimal:
    total = sum(Decimal(scores[name]) * weights[name] for name in SCORE_NAMES) / 100
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def rating_save(*, actor, supplier: Supplier, period: str, scores: dict, notes: str = "") -> SupplierRating:
    """Rate ``supplier`` for ``period`` (once per period); its grade becomes the supplier's if latest."""
    if not actor.has_perm("parts.add_supplierrating"):
        raise PermissionDenied
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    start, _end = period_range(period)
    errors = {n: _("A score is a whole number from 0 to 100.") for n in SCORE_NAMES if not _valid(scores.get(n))}
    if start > timezone.localdate():
        errors["period"] = _("A period that has not begun cannot be rated.")
    if supplier.ratings.filter(period=period).exists():
        errors["period"] = _("The supplier is already rated for %(period)s.") % {"period": period}
    if errors:
        raise ValidationError(errors)
    weights = rating_weights()
    score = weighted(scores, weights)
    rating = SupplierRating.objects.create(
        supplier=supplier,
        period=period,
        weights=weights,
        score=score,
        grade=grade_for(score),
        notes=notes,
        rated_by=actor,
        **{name: scores[name] for name in SCORE_NAMES},
    )
    latest = supplier.ratings.order_by("-period").values_list("grade", flat=True).first()
    Supplier.objects.filter(pk=supplier.pk).update(grade=latest)
    return rating


def _valid(value) -> bool:
    return isinstance(value, int) and 0 <= value <= 100


def remind_expiring_documents(today: datetime.date | None = None) -> int:
    """E-mail purchasing about documents expiring within PARTS_DOCUMENT_REMINDER_DAYS, once each.

    Each document is claimed in its locked row (``reminded_for`` set to the expiry date it is
    reminded for) in the transaction that writes the e-mail, so a rerun sends nothing twice;
    a renewed document (a new expiry date) is reminded again.
    """
    today = today or timezone.localdate()
    days = getattr(settings, "PARTS_DOCUMENT_REMINDER_DAYS", 30)
    due = SupplierDocument.objects.filter(
        valid_until__gte=today, valid_until__lte=today + datetime.timedelta(days=days), supplier__is_active=True
    ).exclude(reminded_for=F("valid_until"))
    sent = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            document = SupplierDocument.objects.select_for_update().filter(pk=pk).first()
            if document is None or document.reminded_for == document.valid_until:
                continue
            document.reminded_for = document.valid_until
            document.save(update_fields=["reminded_for"])
            key = f"parts.document_expiring:{pk}:{document.valid_until}"
            outbox.enqueue("parts.document_expiring", pk, key=key, kick_after=False)
            sent += 1
    if sent:
        outbox.kick()
    return sent
