"""Helpers of the funding API tests."""

from __future__ import annotations

import datetime as dt

from rest_framework.test import APIClient

from tests.funding.factories import next_year
from tests.pdf import tiny_pdf

BASE = "/api/v1/funding"
PDF_BYTES = tiny_pdf()  # an upload must open as a PDF with a page


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def assert_error(response, status: int, type_: str, *fields: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["type"] == type_
    assert body["detail"]
    for field in fields:
        assert field in body.get("errors", {}), body
    return body


def new_application(w, **overrides) -> dict:
    """A complete application of X that passes submission: 1,200 € of costs, 1,000 € asked."""
    year = next_year()
    return {
        "organisation": w.org_x.pk,
        "programme_year": w.year.pk,
        "block": w.block_a.pk,
        "title": "Sprachcafé am Marktplatz",
        "town": "ahlen",
        "description": "Wöchentliches Sprachcafé mit Ehrenamtlichen.",
        "goals": "Deutsch sprechen üben.",
        "target_group": "Geflüchtete Erwachsene",
        "starts_on": dt.date(year, 3, 1).isoformat(),
        "ends_on": dt.date(year, 10, 31).isoformat(),
        "own_contribution": "200.00",
        "requested_amount": "1000.00",
        "cost_lines": [
            {"category": "fees", "description": "Honorar Sprachlehrerin", "amount": "900.00"},
            {"category": "material", "description": "Lernmaterial", "amount": "300"},
        ],
    } | overrides


def create(w, **overrides) -> dict:
    response = client_for(w.coordinator_x).post(
        f"{BASE}/applications/", new_application(w, **overrides), format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def content_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content
