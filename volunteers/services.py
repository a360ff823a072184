"""Writes of the volunteers app."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from .models import Town


@transaction.atomic
def towns_load_reference(*, path: Path | None = None) -> int:
    """Create or update the district's towns from the reference data file. Idempotent;
    returns the number of towns in the file."""
    data = json.loads(Path(path or settings.REFERENCE_DATA_FILE).read_text(encoding="utf-8"))
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
