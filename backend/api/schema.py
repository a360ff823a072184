"""OpenAPI generation: every operation documents the error responses it can give, in the one
error format of backend/api/exceptions.py."""

from drf_spectacular.openapi import AutoSchema as _AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="Machine-readable kind, e.g. validation_error.")
    detail = serializers.CharField(help_text="Message for people, in the request's language.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages per field (validation errors only).",
    )


class AutoSchema(_AutoSchema):
    def _is_public(self) -> bool:
        return all(isinstance(p, AllowAny) for p in self.view.get_permissions())

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        error = OpenApiResponse(ErrorSerializer)
        extra: dict[str, OpenApiResponse] = {"400": error}
        if not self._is_public():
            extra["401"] = error
            extra["403"] = error
        else:
            # A bad or expired token is refused even on public endpoints.
            extra["401"] = error
        paginated_list = self._is_list_view() and self._get_paginator() is not None
        if self.method in ("PUT", "PATCH", "DELETE") or "{" in self.path or paginated_list:
            extra["404"] = error  # an unknown object, or a page number past the end
        if self.method in ("POST", "PUT", "PATCH"):
            extra["415"] = error
        # Content refused although it fits the schema (a domain rule, an unknown reference,
        # NUL characters in a filter): see backend/api/exceptions.py.
        extra["422"] = error
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            extra["409"] = error
        for code, response in extra.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses
