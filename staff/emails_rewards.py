"""E-mail telling a person that a reward or penalty was recorded for them; templates emails/staff_rewards_*."""

from django.conf import settings
from django.urls import reverse

from aftersales import emails

from .models import RewardPenalty


def recorded(entry: RewardPenalty) -> int:
    """Tell the person of the entry, unless it was voided before the message went out."""
    if entry.voided_at is not None or not entry.person.is_active:
        return 0
    link = settings.SITE_URL.rstrip("/") + reverse("staff:reward_detail", args=[entry.number])
    return emails.send("staff_rewards_recorded", [entry.person.email], {"entry": entry, "link": link})


def deliver(kind: str, object_id: int, extra: dict) -> int:
    if kind.rsplit(".", 1)[-1] != "recorded":
        raise ValueError(f"unknown rewards notification {kind!r}")
    entry = RewardPenalty.objects.select_related("person", "recorded_by").filter(pk=object_id).first()
    return recorded(entry) if entry else 0
