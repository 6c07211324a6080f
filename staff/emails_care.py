"""The daily digest of greetings due to a salesperson; templates emails/staff_care_digest_*."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from aftersales import emails

from .models import Greeting


def digest_greetings(user, day: date):
    """Return the greetings of ``user`` first listed on ``day`` (Beijing time), by occasion date."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    return (
        Greeting.objects.filter(salesperson=user, listed_at__gte=start, listed_at__lt=start + timedelta(days=1))
        .select_related("contact__customer", "festival")
        .order_by("occasion_date", "contact__customer__name", "contact__name", "pk")
    )


def digest(user, day: date) -> int:
    """Mail ``user`` the greetings listed for them on ``day``; nothing if there are none."""
    greetings = list(digest_greetings(user, day))
    if not greetings or not user.is_active:
        return 0
    link = settings.SITE_URL.rstrip("/") + reverse("staff:greeting_list")
    context = {"user": user, "day": day, "greetings": greetings, "link": link}
    return emails.send("staff_care_digest", [user.email], context)


def deliver(kind: str, object_id: int, extra: dict) -> int:
    if kind.rsplit(".", 1)[-1] != "digest":
        raise ValueError(f"unknown care notification {kind!r}")
    user = get_user_model().objects.filter(pk=object_id).first()
    return digest(user, date.fromisoformat(extra["date"])) if user else 0
