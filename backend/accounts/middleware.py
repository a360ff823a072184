"""Serve pages in the language the user chose in their account."""

from django.utils import translation


class UserLanguageMiddleware:
    """Runs after LocaleMiddleware: a logged-in user's saved language wins over the browser's,
    unless this request carries an explicit choice (the language switch sets the cookie and
    the user's field together)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
