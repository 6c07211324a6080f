"""The counts of "my work", shown as "99+" past the cap they are counted up to."""

from django import template
from django.utils.translation import gettext

from .. import selectors

register = template.Library()


@register.filter
def capped(count):
    """Return the count as it is up to COUNT_CAP, and "99+" (the cap and a plus) past it."""
    cap = selectors.COUNT_CAP
    if count is not None and count > cap:
        return gettext("%(count)d+") % {"count": cap}
    return count
