import functools

from django.conf import settings


def navigation(request):
    """Give templates the languages of the switch, the user's role names and the key of their menu."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    labels = user.role_labels() if signed_in else []
    return {
        "available_languages": settings.LANGUAGES,
        "user_role_labels": labels,
        # Called by the template only where the menu is drawn (not in htmx fragments).
        "menu_key": functools.partial(menu_key, user) if signed_in else "",
    }


def menu_key(user) -> str:
    """Return what the main menu depends on besides the page and the language: the user's permissions.

    The menu is cached per key (templates/_nav_items.html, in three pieces, each asking for
    the key: it is built once per request and kept on the user); a changed role changes the
    permissions and so the key, so nobody is shown a menu of someone else's roles.
    """
    if not hasattr(user, "_menu_key"):
        user._menu_key = "|".join(["staff" if user.is_staff else "", *sorted(user.get_all_permissions())])
    return user._menu_key
