"""Fixtures of the training tests."""

from tests.volunteers.conftest import postgresql  # noqa: F401  (the fixture, re-used here)
