"""Helpers of the volunteers API tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework.test import APIClient

from volunteers.models import HelpRequest


def in_days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def make_request(w, organisation, **fields) -> HelpRequest:
    values = {
        "title": "Begleitung zum Amt",
        "description": "Dienstags",
        "town": w.town,
        "activity_area": w.area,
        "open_until": in_days(30),
        "helpers_needed": 2,
        "opened_at": timezone.now(),
    }
    return HelpRequest.objects.create(organisation=organisation, **(values | fields))


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def assert_error(response, status: int, type_: str, field: str | None = None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["type"] == type_
    assert body["detail"]
    if field:
        assert field in body["errors"], body
