"""Signing, correcting and acknowledging the six-hearts rating (“六心”服务评定).

A rating is signed by one who may rate the person (``staff.access.can_rate``), for a month or a
quarter that has begun, once per person and period. The customer's view (the follow-up calls'
attitude scores on the person's complaints in the period) is taken when it is signed and again
when it is corrected. A correction keeps the values before it, who made it and why; the rated
person acknowledges the rating, and again after every correction. Each signature and correction
e-mails the rated person through the outbox, once.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.outbox import enqueue

from ..access import can_rate
from ..hearts import HEART_FIELDS
from ..models import RatingCorrection, SixHeartsRating
from ..periods import MONTH, QUARTER, Period
from ..selectors.ratings import customer_attitude, period_of

__all__ = ["rating_sign", "rating_correct", "rating_acknowledge", "SIGNED"]

SIGNED = "staff.ratings.signed"


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _scores(scores: dict) -> dict[str, int]:
    """Return the six hearts as integers 1–5; raise every wrong one at once."""
    clean, errors = {}, {}
    for field in HEART_FIELDS:
        value = (scores or {}).get(field)
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not 1 <= number <= 5:
            errors[field] = _("Give a score from 1 to 5.")
        else:
            clean[field] = number
    if errors:
        raise ValidationError(errors)
    return clean


def _duplicate_message() -> str:
    for constraint in SixHeartsRating._meta.constraints:
        if constraint.name == "rating_one_per_person_period":
            return str(constraint.violation_error_message)
    return _("This person already has a rating for this period; correct it instead.")


def _check_period(period: Period) -> None:
    if period.kind not in (MONTH, QUARTER):
        raise ValidationError({"period": _("A rating is for a month or a quarter.")})
    if period.start > timezone.localdate():
        raise ValidationError({"period": _("This period has not begun yet: a rating can only judge work done.")})


def _take_customer_view(rating: SixHeartsRating) -> None:
    rating.customer_attitude, rating.customer_attitude_calls = customer_attitude(rating.person, period_of(rating))


def _notify(rating: SixHeartsRating) -> None:
    enqueue(
        SIGNED,
        rating.pk,
        key=f"{SIGNED}:{rating.pk}:{rating.corrections_count}",
        extra={"corrections": rating.corrections_count},
    )


@transaction.atomic
def rating_sign(*, actor, person, period: Period, scores: dict, remarks: str = "") -> SixHeartsRating:
    """Sign the rating of ``person`` for ``period`` with the six hearts and remarks."""
    _require(can_rate(actor, person))
    _check_period(period)
    hearts = _scores(scores)
    if SixHeartsRating.objects.filter(person=person, period_kind=period.kind, period_start=period.start).exists():
        raise ValidationError(_duplicate_message(), code="unique")
    rating = SixHeartsRating(
        person=person,
        period_kind=period.kind,
        period_start=period.start,
        remarks=(remarks or "").strip(),
        rated_by=actor,
        rated_at=timezone.now(),
        **hearts,
    )
    _take_customer_view(rating)
    rating.compute_scores()
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:  # signed by someone else a moment ago
        raise ValidationError(_duplicate_message(), code="unique") from None
    _notify(rating)
    return rating


def _snapshot(rating: SixHeartsRating) -> dict:
    values = {field: getattr(rating, field) for field in HEART_FIELDS}
    values["remarks"] = rating.remarks
    for field in ("customer_attitude", "hearts_mean", "score"):
        value = getattr(rating, field)
        values[field] = str(value) if isinstance(value, Decimal) else value
    values["customer_attitude_calls"] = rating.customer_attitude_calls
    return values


@transaction.atomic
def rating_correct(
    *, actor, rating: SixHeartsRating, scores: dict, remarks: str = "", reason: str = ""
) -> SixHeartsRating:
    """Correct a signed rating, keeping the values before it and the reason; the person acknowledges again."""
    rating = SixHeartsRating.objects.select_for_update().select_related("person").get(pk=rating.pk)
    _require(can_rate(actor, rating.person))
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Say why the rating is corrected.")
    try:
        hearts = _scores(scores)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    RatingCorrection.objects.create(
        rating=rating, previous=_snapshot(rating), reason=reason, corrected_by=actor, corrected_at=timezone.now()
    )
    for field, value in hearts.items():
        setattr(rating, field, value)
    rating.remarks = (remarks or "").strip()
    _take_customer_view(rating)
    rating.compute_scores()
    rating.corrections_count += 1
    rating.acknowledged_at = None
    rating.acknowledgement = ""
    rating.save()
    _notify(rating)
    return rating


@transaction.atomic
def rating_acknowledge(*, actor, rating: SixHeartsRating, comment: str = "") -> SixHeartsRating:
    """The rated person acknowledges having read the rating, with an optional comment."""
    rating = SixHeartsRating.objects.select_for_update().get(pk=rating.pk)
    _require(actor.pk == rating.person_id)
    if rating.acknowledged_at is not None:
        raise ValidationError(_("You have already acknowledged this rating."), code="state")
    rating.acknowledged_at = timezone.now()
    rating.acknowledgement = (comment or "").strip()
    rating.save(update_fields=["acknowledged_at", "acknowledgement"])
    return rating
