"""Reads of the six-hearts ratings, scoped through ``staff.access``."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Exists, OuterRef

from servicing.models import FollowUp

from ..access import can_see_person, sees_everyone, service_staff_visible_to, team_of
from ..models import SixHeartsRating
from ..periods import Period


def period_of(rating: SixHeartsRating) -> Period:
    return Period.of(rating.period_kind, rating.period_start)


def customer_attitude(person, period: Period) -> tuple[Decimal | None, int]:
    """Return the mean follow-up attitude (2 decimals) on ``person``'s complaints in ``period``, and the count.

    The calls counted are those made in the period on complaints the person is the assignee of,
    with an attitude score; none gives ``(None, 0)``.
    """
    start, end = period.bounds()
    found = FollowUp.objects.filter(
        complaint__assignee=person, called_at__gte=start, called_at__lt=end, attitude__isnull=False
    ).aggregate(mean=Avg("attitude"), calls=Count("pk"))
    if not found["calls"]:
        return None, 0
    return Decimal(str(found["mean"])).quantize(Decimal("0.01")), found["calls"]


def rated_ids(user) -> set[int]:
    """Return the ids of the people ``user`` may rate, or None for "anyone but themselves"."""
    if not user.has_perm("staff.rate_staff"):
        return set()
    if sees_everyone(user):
        return None
    return set(team_of(user).values_list("pk", flat=True))


@dataclass
class TeamRow:
    person: object
    rating: SixHeartsRating | None
    may_rate: bool


def team_ratings(user, period: Period) -> list[TeamRow]:
    """Return the service staff ``user`` may read, their rating for ``period`` or None, whether ``user`` may rate them.

    Three queries whatever the team's size: the people, their ratings, the user's team.
    """
    people = list(service_staff_visible_to(user))
    ratings = {
        rating.person_id: rating
        for rating in SixHeartsRating.objects.filter(
            person__in=[p.pk for p in people], period_kind=period.kind, period_start=period.start
        ).select_related("rated_by")
    }
    ratable = rated_ids(user) if people else set()
    rows = []
    for person in people:
        rating = ratings.get(person.pk)
        may = person.pk != user.pk and (ratable is None or person.pk in ratable)
        rows.append(TeamRow(person, rating, may))
    return rows


def person_history(user, person):
    """Return ``person``'s ratings, newest period first (keyset-pageable); none unless ``user`` may see them."""
    if not can_see_person(user, person):
        return SixHeartsRating.objects.none()
    return SixHeartsRating.objects.filter(person=person).select_related("rated_by").order_by("-period_start", "-id")


def rating_visible(user, pk: int) -> SixHeartsRating | None:
    """Return rating ``pk`` with its people and corrections if ``user`` may read it, else None."""
    rating = SixHeartsRating.objects.select_related("person", "rated_by", "person__staff_profile").filter(pk=pk).first()
    if rating is None or not can_see_person(user, rating.person):
        return None
    return rating


def awaiting_acknowledgement(user):
    """Return the ratings of ``user`` they have not acknowledged yet (newest first)."""
    return (
        SixHeartsRating.objects.filter(person=user, acknowledged_at__isnull=True)
        .select_related("rated_by")
        .order_by("-period_start", "-id")
    )


def unrated_team(user, period: Period):
    """Return the rated members of ``user``'s team without a rating for ``period`` (none if ``user`` cannot rate)."""
    if not user.has_perm("staff.rate_staff"):
        return team_of(user).none()
    rated = SixHeartsRating.objects.filter(person=OuterRef("pk"), period_kind=period.kind, period_start=period.start)
    return (
        team_of(user)
        .filter(staff_profile__is_rated=True)
        .exclude(pk=user.pk)
        .filter(~Exists(rated))
        .order_by("last_name", "first_name", "username")
    )
