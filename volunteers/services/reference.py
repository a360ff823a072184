"""Writes of the volunteers app."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from volunteers.models import ActivityArea, Town


def _split_names(entry: str) -> tuple[str, str]:
    """'Fahrdienste (driving)' -> ('Fahrdienste', 'driving')."""
    if entry.endswith(")") and " (" in entry:
        german, english = entry[:-1].rsplit(" (", 1)
        english = english.strip()
        return german.strip(), english[:1].upper() + english[1:]
    return entry, entry


@transaction.atomic
def towns_load_reference(*, path: Path | None = None) -> int:
    """Create or update the district's towns and the activity areas from the reference data
    file. Idempotent; returns the number of towns in the file."""
    data = json.loads(Path(path or settings.REFERENCE_DATA_FILE).read_text(encoding="utf-8"))
    for position, entry in enumerate(data.get("activity_areas", [])):
        german, english = _split_names(entry)
        ActivityArea.objects.update_or_create(
            slug=slugify(german.replace("/", " "))[:80],
            defaults={"name_de": german, "name_en": english, "position": position},
        )
    municipalities = data["municipalities"]
    for entry in municipalities:
        Town.objects.update_or_create(
            name=entry["name"],
            defaults={
                "slug": slugify(entry["name"]),
                "kind": entry["kind"],
                "postal_codes": list(entry["postal_codes"]),
                "latitude": Decimal(str(entry["lat"])),
                "longitude": Decimal(str(entry["lon"])),
            },
        )
    return len(municipalities)
