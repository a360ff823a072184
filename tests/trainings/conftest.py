"""Fixtures of the training tests."""

from tests.matching.conftest import (  # noqa: F401  (fixtures, re-used here)
    areas,
    make_request,
    make_volunteer,
    towns,
)
from tests.volunteers.conftest import postgresql  # noqa: F401  (the fixture, re-used here)
