"""Reads of the volunteers app that are more than a get()."""

from django.db.models import QuerySet

from .models import Organisation


def organisation_list_public() -> QuerySet[Organisation]:
    """Verified organisations, as anyone may see them."""
    return (
        Organisation.objects.filter(verified_at__isnull=False)
        .select_related("town")
        .order_by("name", "id")
    )
