"""The campaigns that wait on the quality group, for "my work"."""

from ..selectors.campaigns import work_campaigns


def work_context(request):
    """Return the late drafts and the closed campaigns to conclude, or None when there are none."""
    if not request.user.is_authenticated:
        return None
    data = work_campaigns(request.user)
    return data if any(data.values()) else None


def home_card(request):
    """Return the open campaigns with their answers so far (one query), or None when none is open."""
    from ..models import Campaign
    from ..selectors.campaigns import campaign_list

    user = request.user
    if not user.is_authenticated or not user.has_perm("surveys.change_campaign"):
        return None
    campaigns = list(campaign_list(user=user).filter(state=Campaign.State.OPEN)[:3])
    return {"campaigns": campaigns} if campaigns else None
