"""The e-mail to a rated person when their six-hearts rating is signed or corrected (emails/staff_ratings_*)."""

from django.urls import reverse

from aftersales import emails

from .models import SixHeartsRating
from .periods import Period


def rating_signed(rating: SixHeartsRating, corrections: int = 0) -> int:
    """Tell the rated person their rating is signed (or corrected) and waits for their acknowledgement."""
    period = Period.of(rating.period_kind, rating.period_start)
    context = {
        "rating": rating,
        "period": period.label,
        "corrected": bool(corrections),
        "path": reverse("staff:rating_detail", args=[rating.pk]),
    }
    return emails.send("staff_ratings_signed", emails.addresses([rating.person]), context)


def deliver(kind: str, object_id: int, extra: dict) -> int:
    """Send the outbox's ratings notification ``kind`` (``ratings.signed``); return the count sent."""
    if kind.rsplit(".", 1)[-1] != "signed":
        raise ValueError(f"unknown ratings notification {kind!r}")
    rating = SixHeartsRating.objects.select_related("person", "rated_by").filter(pk=object_id).first()
    if rating is None:
        return 0
    return rating_signed(rating, **extra)
