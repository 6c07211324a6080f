from django.conf import settings
from django.utils import translation


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
