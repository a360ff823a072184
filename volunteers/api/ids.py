"""Ids in API paths."""

from django.http import Http404

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
