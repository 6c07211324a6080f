"""Factories of the six-hearts rating tests: a signed rating, follow-up calls with an attitude score."""

from complaints.models import Complaint
from complaints.tests.factories import ComplaintFactory
from servicing.tests.factories import FollowUpFactory

from ..periods import MONTH, Period
from ..services.ratings import rating_sign

FOURS = dict.fromkeys(("confidence", "warmth", "dedication", "patience", "sincerity", "carefulness"), 4)


def last_month() -> Period:
    return Period.last_completed(MONTH)


def scores(*values: int) -> dict:
    """Return the six hearts in their order from six values (all 4 when none are given)."""
    if not values:
        return dict(FOURS)
    return dict(zip(FOURS, values, strict=True))


def rating(rater, person, period: Period | None = None, remarks: str = "", **hearts):
    """Sign a rating of ``person`` by ``rater`` for ``period`` (last month by default) through the service."""
    return rating_sign(
        actor=rater, person=person, period=period or last_month(), scores={**FOURS, **hearts}, remarks=remarks
    )


def follow_up(person, attitude, called_at):
    """Record a follow-up call with ``attitude`` at ``called_at`` on a closed complaint assigned to ``person``."""
    complaint = ComplaintFactory(assignee=person, state=Complaint.State.CLOSED, analysed=True, accepted=True)
    return FollowUpFactory(complaint=complaint, attitude=attitude, called_at=called_at)
