"""Rewards and penalties (奖惩) entered by hand: recorded by the person's manager, voided with a reason."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales import outbox
from aftersales.numbering import next_number

from ..access import sees_everyone, team_of
from ..models import RewardPenalty

Kind, Category, Measure = RewardPenalty.Kind, RewardPenalty.Category, RewardPenalty.Measure

# Which categories go with which type (seed 002, 第十一条: dismissal is the heaviest penalty).
CATEGORIES = {
    Kind.REWARD: {Category.COMMENDATION, Category.BONUS, Category.POINTS},
    Kind.PENALTY: {Category.WARNING, Category.FINE, Category.POINTS, Category.DISMISSAL},
}
MAX_DAYS_BACK = 365


def may_record_for(user, person) -> bool:
    """A manager records for their team, one who sees all staff for anyone; nobody for themselves."""
    if person is None or not user.is_active or person.pk == user.pk:
        return False
    if not user.has_perm("staff.add_rewardpenalty"):
        return False
    return sees_everyone(user) or team_of(user).filter(pk=person.pk).exists()


def may_void(user, entry: RewardPenalty) -> bool:
    return user.has_perm("staff.change_rewardpenalty") and may_record_for(user, entry.person)


def reward_check(*, kind, category, measure, value, occurred_on, reason, today: date | None = None) -> None:
    """Raise every error of an entry's fields at once (a form calls it to show them with its own)."""
    today = today or timezone.localdate()
    errors: dict[str, list] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if kind not in Kind.values:
        add("kind", _("Choose reward or penalty."))
    elif category not in CATEGORIES[kind]:
        if category == Category.DISMISSAL:
            add("category", _("Dismissal is a penalty, never a reward."))
        else:
            add("category", _("This category does not go with the chosen type."))
    if measure not in Measure.values:
        add("measure", _("Choose points, an amount or no figure."))
    elif measure == Measure.NONE and value:
        add("value", _("An entry with no figure has no points or amount."))
    elif measure != Measure.NONE and (value is None or value <= 0):
        add("value", _("Enter the points or amount, greater than zero."))
    if occurred_on is None:
        add("occurred_on", _("Enter the date."))
    elif occurred_on > today:
        add("occurred_on", _("The date cannot be in the future."))
    elif occurred_on < today - timedelta(days=MAX_DAYS_BACK):
        add("occurred_on", _("The date cannot be more than a year back."))
    if not (reason or "").strip():
        add("reason", _("Give the reason."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def reward_record(
    *, actor, person, kind, category, measure, value, occurred_on, reason, complaint=None
) -> RewardPenalty:
    """Record a reward or penalty of ``person`` and tell them by e-mail."""
    if not may_record_for(actor, person):
        raise PermissionDenied(_("You may record rewards and penalties only for your team, never for yourself."))
    reward_check(
        kind=kind,
        category=category,
        measure=measure,
        value=value,
        occurred_on=occurred_on,
        reason=reason,
        today=timezone.localdate(),
    )
    entry = RewardPenalty.objects.create(
        number=next_number("JF", f"{occurred_on:%Y}"),
        person=person,
        kind=kind,
        category=category,
        measure=measure,
        value=0 if measure == Measure.NONE else value,
        occurred_on=occurred_on,
        reason=reason.strip(),
        complaint=complaint,
        recorded_by=actor,
    )
    outbox.enqueue("staff.rewards.recorded", entry.pk, key=f"staff.rewards.recorded:{entry.pk}")
    return entry


@transaction.atomic
def reward_void(*, actor, entry: RewardPenalty, reason: str) -> RewardPenalty:
    """Void an entry with a reason; it stays on record and leaves the totals."""
    entry = RewardPenalty.objects.select_for_update().select_related("person").get(pk=entry.pk)
    if not may_void(actor, entry):
        raise PermissionDenied(_("You may void only your team's entries."))
    errors = {}
    if entry.voided_at is not None:
        errors["reason"] = [_("This entry is already void.")]
    elif not (reason or "").strip():
        errors["reason"] = [_("Give the reason for voiding.")]
    if errors:
        raise ValidationError(errors)
    entry.voided_at = timezone.now()
    entry.voided_by = actor
    entry.void_reason = reason.strip()
    entry.save(update_fields=["voided_at", "voided_by", "void_reason"])
    return entry
