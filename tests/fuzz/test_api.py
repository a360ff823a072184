"""Every operation of the live OpenAPI schema, fuzzed as anonymous and as each demo role:
no server errors, and every response as the schema documents it.

New endpoints are picked up from the schema; nothing here names one. A failure names the
operation and the role in the test id, and shows the failed check, the response and a curl
command that repeats the request (tokens masked); a server error's traceback is in the
captured log."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.test import RequestFactory
from drf_spectacular.views import SpectacularAPIView
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.conftest import effort

from .conftest import LOOKUP_ROLE, ROLES, InProcessApp, existing_path_values

pytestmark = pytest.mark.django_db

# Generated cases per operation, role and mode in the fuzzing phase. The examples and coverage
# phases (boundary values, undeclared methods, missing values) run in full either way.
FUZZ_EXAMPLES = effort(ci=25, local=5)
# Requests go to the WSGI application in this process (tests/fuzz/conftest.py), under the host
# name Django's test environment allows.
BASE_URL = "http://testserver"

CONFIG = {
    # Fixed seed, derandomized Hypothesis, no example database: the same requests on every run.
    "seed": 20260101,
    "generation": {
        # Data that fits the schema and data that violates it: invalid input must be refused
        # with a documented 4xx in the error format, never a 500.
        "mode": "all",
        "max-examples": FUZZ_EXAMPLES,  # fuzzing phase, per operation, role and mode
        "deterministic": True,
        "database": "none",
    },
    "phases": {
        "examples": {"enabled": True},  # the schema's own examples
        "coverage": {"enabled": True},  # boundary values, undeclared methods, missing values
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": False},  # needs OpenAPI links, which the schema has none of
    },
    "checks": {
        # On: not_a_server_error, status_code_conformance, content_type_conformance,
        # response_schema_conformance, response_headers_conformance (the two rules);
        # positive_data_acceptance (valid input is not refused with 400), ignored_auth
        # (operations that require auth refuse requests without it), unsupported_method
        # (undeclared methods give 405 with Allow), allow_header_conformance,
        # missing_required_header. use_after_free, ensure_resource_availability and
        # object_level_authorization act only in the stateful phase or with several auth
        # configs, so they are idle here.
        #
        # Off: negative_data_rejection. It expects every schema violation to be refused, but
        # the API is lenient by DRF's design: an invalid or empty page_size falls back to the
        # default, an empty filter (?kind=) means no filter, and a number sent for a string
        # field is taken as its text ({"full_name": 0}). Such requests get a 200, not a 400.
        # They still run (mode "all") and must still get no 500 and a documented response.
        "negative_data_rejection": {"enabled": False},
        # Schema-valid input may still be refused for its content, with a 422 (an unknown
        # town slug, a date in the past, a postal code of another town: rules a schema cannot
        # state). A 400 for schema-valid input stays a failure: it means the schema and the
        # serializer disagree (backend/api/exceptions.py).
        "positive_data_acceptance": {
            "expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]
        },
    },
}


def _served_schema() -> dict:
    """GET /api/schema/?format=json, answered by the schema view itself: pytest needs the
    operations when it collects, before a server runs. test_fuzzed_schema_is_the_served_schema
    checks that it is the schema the live server serves."""
    response = SpectacularAPIView.as_view()(RequestFactory().get("/api/schema/?format=json"))
    response.render()
    return json.loads(response.content)


schema = schemathesis.openapi.from_dict(
    _served_schema(), config=schemathesis.Config.from_dict(CONFIG)
)
schema.app = InProcessApp()
_existing: dict[str, dict[str, list]] = {}  # filled once the server runs


@schema.hook
def before_generate_path_parameters(context, strategy):
    """Half of the cases ask for objects that exist, the others for generated values."""
    label = context.operation.label

    def existing():
        values = _existing.get(label)
        if not values:
            return strategy
        return st.fixed_dictionaries({name: st.sampled_from(v) for name, v in values.items()})

    return st.one_of(st.deferred(existing), strategy)


@pytest.fixture
def target(fuzz_target):
    if not _existing:
        _existing.update(existing_path_values(schema, fuzz_target.headers[LOOKUP_ROLE]))
    return fuzz_target


def test_fuzzed_schema_is_the_served_schema(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response.json() == schema.raw_schema


@pytest.mark.parametrize("role", list(ROLES))
@schema.parametrize()
# The examples of one test share its savepoint (and the seed): nothing they change is seen by
# the next test.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api(case, role, target):
    case.call_and_validate(base_url=BASE_URL, headers=target.headers[role])
