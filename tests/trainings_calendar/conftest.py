"""Fixtures of the calendar and reminder tests."""

from __future__ import annotations

import pytest

from tests.volunteers.conftest import postgresql  # noqa: F401  (the fixture, re-used here)


@pytest.fixture(autouse=True)
def _site_url(settings):
    """UIDs and links are built from SITE_URL: fix it so the expected values are stable."""
    settings.SITE_URL = "https://ehrenamt.example.org"
