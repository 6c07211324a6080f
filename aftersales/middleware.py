from csp.constants import UNSAFE_HASHES, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control


class LanguageMiddleware:
    """Activate the language the user chose with the switch, else Simplified Chinese.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language, so
    every workstation starts in Chinese whatever its browser was installed with.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """Send the site's Content-Security-Policy, loosened in the admin for templates we don't own.

    Django's change list and django-import-export's export form put styles in ``style``
    attributes and a ``<style>`` block, and the export form's "select all" box has an
    ``onchange`` handler. Styles cannot run script, so the admin allows inline styles;
    of inline script it allows only that one handler, by its hash.
    """

    ADMIN_UPDATE = {
        "style-src": [UNSAFE_INLINE],
        # onSelectToggleChange(event), import_export/templates/admin/import_export/export.html
        "script-src": [UNSAFE_HASHES, "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='"],
    }

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if parts.update is None and request.path_info.startswith(reverse("admin:index")):
            parts.update = self.ADMIN_UPDATE
        return parts


class NoStoreWhenSignedInMiddleware:
    """Keep signed-in pages out of every cache, the browser's back/forward history included.

    A page that set its own Cache-Control (a download, say) keeps it. Static files are
    answered by WhiteNoise before this runs and stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response
