"""Writes of the volunteers app."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from volunteers.models import ActivityArea, Town, TownDistance

# Mean Earth radius (IUGG), as used for great-circle distances.
EARTH_RADIUS_KM = 6371.0088


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
    town_distances_refresh()
    return len(municipalities)


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Straight-line distance over the Earth's surface (haversine); a road is longer."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@transaction.atomic
def town_distances_refresh() -> int:
    """Rewrite the town-to-town distance table from the towns' coordinates: every ordered
    pair, a town with itself at 0 km. Matching joins this table, so whatever creates or moves
    a town calls this (a few hundred rows: rewriting all is simpler than tracking changes).
    Returns the number of rows."""
    towns = list(Town.objects.values_list("pk", "latitude", "longitude"))
    rows = [
        TownDistance(
            from_town_id=a,
            to_town_id=b,
            km=round(great_circle_km(float(lat_a), float(lon_a), float(lat_b), float(lon_b))),
        )
        for a, lat_a, lon_a in towns
        for b, lat_b, lon_b in towns
    ]
    TownDistance.objects.all().delete()
    TownDistance.objects.bulk_create(rows)
    return len(rows)
