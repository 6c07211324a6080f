"""What the ratings area registers at start-up: its "my work" section."""

from .periods import MONTH, Period

SHOWN = 20


def work_context(request):
    """Ratings the user has to acknowledge, and team members they have not rated for the last completed month."""
    from .selectors.ratings import awaiting_acknowledgement, unrated_team

    user = request.user
    if not user.is_authenticated or not user.has_perm("staff.view_sixheartsrating"):
        return None
    period = Period.last_completed(MONTH)
    to_acknowledge = list(awaiting_acknowledgement(user)[:SHOWN])
    to_rate = list(unrated_team(user, period)[:SHOWN]) if user.has_perm("staff.rate_staff") else []
    if not to_acknowledge and not to_rate:
        return None
    return {"to_acknowledge": to_acknowledge, "to_rate": to_rate, "period": period}


def register() -> None:
    from complaints.work import register_work_section

    register_work_section("staff/ratings_work.html", work_context, order=90, permission="staff.view_sixheartsrating")
