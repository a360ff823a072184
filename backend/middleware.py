"""Responses that may carry personal data must never be stored by a browser or proxy cache."""

from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """`Cache-Control: no-store, private` on every response to a logged-in user, on every API
    response and on account pages (which show addresses and codes)."""

    PRIVATE_PREFIXES = ("/konto/", "/api/v1/", "/verwaltung/", "/admin/", "/postfach/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith(
            self.PRIVATE_PREFIXES
        ):
            patch_cache_control(response, no_store=True, private=True, max_age=0)
        return response


class QueryCountMiddleware:
    """Benchmarks only (settings.QUERY_COUNT_HEADER): report the number of SQL queries a request
    made in an `X-Query-Count` response header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import connection

        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        return response
