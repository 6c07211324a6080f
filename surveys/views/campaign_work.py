"""The campaigns that wait on the quality group, for "my work"."""

from ..selectors.campaigns import work_campaigns


def work_context(request):
    """Return the late drafts and the closed campaigns to conclude, or None when there are none."""
    if not request.user.is_authenticated:
        return None
    data = work_campaigns(request.user)
    return data if any(data.values()) else None
