from django.conf import settings


def navigation(request):
    """Give templates the languages of the switch and the user's role names."""
    user = getattr(request, "user", None)
    labels = user.role_labels() if user is not None and user.is_authenticated else []
    return {"available_languages": settings.LANGUAGES, "user_role_labels": labels}
