"""Rewards pages for the scope test: each side's salesperson has a reward whose reason must stay on their side."""

from aftersales.tests.scope_registry import PAGE, Fill, register


def reward_records(records):
    """Return (building once per side) a manual entry of the side's salesperson."""
    found = getattr(records, "reward_entry", None)
    if found is not None:
        return found
    from django.utils import timezone

    from aftersales.numbering import next_number
    from staff.models import RewardPenalty

    today = timezone.localdate()
    reason = f"{records.customer.name}-REWARD-REASON"
    records.reward_entry = RewardPenalty.objects.create(
        number=next_number("JF", f"{today:%Y}"),
        person=records.salesperson,
        kind=RewardPenalty.Kind.PENALTY,
        category=RewardPenalty.Category.WARNING,
        measure=RewardPenalty.Measure.NONE,
        occurred_on=today,
        reason=reason,
        recorded_by=records.salesperson,
    )
    if records.customer.name.startswith("SECRET"):
        records.markers.append(reason)
    return records.reward_entry


def _number(records):
    return {"number": reward_records(records).number}


def _person(records):
    reward_records(records)
    return {"person_pk": records.salesperson.pk}


register("staff:reward_list", Fill(query=lambda r: {"person": _person(r)["person_pk"]}))
register("staff:reward_create", PAGE)
register("staff:reward_export", Fill(query=lambda r: {"person": _person(r)["person_pk"]}))
register("staff:reward_person", Fill(_person))
register("staff:reward_detail", Fill(_number))
register("staff:reward_void", Fill(_number))
