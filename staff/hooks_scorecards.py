"""What the scorecards area registers at start-up: the start-page card "My scorecard, last month"."""


def home_card(request):
    """Return last month's figures of a member of the service staff, or None for anyone else."""
    from .periods import MONTH, Period
    from .selectors.scorecards import scorecards
    from .views.scorecards import FIGURES, cells

    user = request.user
    if not user.is_authenticated or not user.has_perm("staff.view_staffprofile"):
        return None
    profile = getattr(user, "staff_profile", None)
    if profile is None or not profile.is_rated:
        return None
    period = Period.last_completed(MONTH)
    rows = scorecards(user=user, period=period, people=[user])
    if not rows:
        return None
    return {"period": period, "figures": list(zip([label for _k, label in FIGURES], cells(rows[0]), strict=True))}


def register() -> None:
    from aftersales.home import register_home_card

    register_home_card("staff/scorecard_home.html", home_card, order=70)
