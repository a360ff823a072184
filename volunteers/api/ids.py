"""Ids in API paths, and the values of query parameters and slug references."""

from django.http import Http404
from rest_framework import serializers

MAX_ID = 2**63  # PostgreSQL's bigint: larger ids make the database refuse the query


def object_id(value) -> int:
    """A path id as an int; 404 for what cannot be an id."""
    try:
        pk = int(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    if not 0 < pk < MAX_ID:
        raise Http404
    return pk


def query_text(request, name: str, limit: int = 100) -> str:
    """A query parameter as a filter value: at most `limit` characters, without NUL (which no
    text column can hold; PostgreSQL refuses it with an error instead of finding nothing)."""
    return request.query_params.get(name, "").replace("\x00", "")[:limit]


class SlugField(serializers.SlugRelatedField):
    """A reference by slug that answers "does not exist" for a slug with NUL instead of
    sending it to the database (PostgreSQL raises on NUL in text)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)
