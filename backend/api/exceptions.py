"""One error format for the whole API, and the one place that maps DomainError to HTTP.

Every error response body looks like:
    {"type": "validation_error", "detail": "Human-readable message", "errors": {"field": ["..."]}}
"errors" is present only for validation errors.

400 and 422 split the validation errors by who could have known: 400 when the request does
not fit the published schema (a missing field, a wrong type, a string too long), 422 when it
fits but its content is refused (a postal code of another town, an unknown town slug, a date
in the past). A client that validates against the schema never gets a 400.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from backend.errors import DomainError

_TYPES = {
    400: "validation_error",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "throttled",
}


# Serializer error codes that are about content, not form: the value has the documented type
# but names nothing that exists, holds characters no text here may hold (NUL, lone UTF-16
# surrogates), or is blank once surrounding spaces are trimmed ("   " fits minLength 1) —
# rules a JSON schema does not state.
CONTENT_ERROR_CODES = frozenset(
    {
        "does_not_exist",
        "null_characters_not_allowed",
        "surrogate_characters_not_allowed",
        "blank",
    }
)


def _codes(codes) -> set[str]:
    if isinstance(codes, dict):
        return set().union(*(_codes(c) for c in codes.values())) if codes else set()
    if isinstance(codes, list):
        return set().union(*(_codes(c) for c in codes)) if codes else set()
    return {str(codes)}


def _flatten(detail) -> str:
    if isinstance(detail, list):
        return " ".join(_flatten(item) for item in detail)
    if isinstance(detail, dict):
        return " ".join(_flatten(item) for item in detail.values())
    return str(detail)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"type": _TYPES.get(exc.status_code, "error"), "detail": exc.message}
        if exc.errors:
            body["errors"] = {
                field: [str(m) for m in messages] for field, messages in exc.errors.items()
            }
        elif exc.field:
            body["errors"] = {exc.field: [exc.message]}
        return Response(body, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real server error: Django's 500 handling and logging take over
    code = response.status_code
    body: dict = {"type": _TYPES.get(code, "error")}
    if isinstance(exc, exceptions.ValidationError):
        codes = _codes(exc.get_codes())
        if codes and codes <= CONTENT_ERROR_CODES:
            code = response.status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
        detail = exc.detail
        if isinstance(detail, dict):
            body["detail"] = _flatten(detail.get("non_field_errors", "")) or str(
                _("Die Eingaben sind nicht gültig.")
            )
            body["errors"] = {
                k: [str(m) for m in v] if isinstance(v, list) else [_flatten(v)]
                for k, v in detail.items()
            }
        else:
            body["detail"] = _flatten(detail)
            body["errors"] = {"non_field_errors": [_flatten(detail)]}
    else:
        body["detail"] = _flatten(getattr(exc, "detail", response.data))
    response.data = body
    if code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = 'Token realm="api"'
    return response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    """handler404: API paths answer in the API's error format, everything else with the page."""
    if _is_api(request):
        return JsonResponse({"type": "not_found", "detail": _("Nicht gefunden.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: API paths answer in the API's error format, everything else with the page."""
    if _is_api(request):
        return JsonResponse(
            {"type": "server_error", "detail": _("Interner Fehler. Er wurde protokolliert.")},
            status=500,
        )
    return defaults.server_error(request)
