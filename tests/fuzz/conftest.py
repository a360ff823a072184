"""The target of the API fuzz run: the app in a live server thread against the test database,
with the demo data and a token per role.

The data is seeded once per module, not per test: seeding and flushing for every operation and
role would cost more than the fuzzing. The requests really change it (PATCH /api/v1/me/), in
the same order on every run."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path, PurePath

import pytest
import requests
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management import call_command
from django.db import connection
from django.test.testcases import LiveServerThread
from django.test.utils import modify_settings
from rest_framework.authtoken.models import Token

from backend.accounts.models import User
from notifications.services import notify
from tests.conftest import eager_tasks

HOST = "127.0.0.1"
# Who the API is fuzzed as. seed_demo gives the KI accounts a TOTP device, so their tokens are
# accepted (backend/api/authentication.py).
ROLES = {
    "anonymous": None,
    "volunteer": "freiwillig1@example.org",
    "coordinator": "koordination1@example.org",
    "ki_staff": "ki-team@example.org",
    "ki_lead": "ki-leitung@example.org",
}
# Existing path parameter values are listed with the most privileged token, so that every role
# also asks for objects that exist but that it may not see.
LOOKUP_ROLE = "ki_lead"


@dataclass
class FuzzTarget:
    url: str
    headers: dict[str, dict[str, str]]  # role -> request headers


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the fuzz tests after all others, for the reason Django runs TransactionTestCase last:
    they commit data and flush the database afterwards, which also removes what migrations
    created (the named Site) and what later TestCase-style tests would expect."""
    here = Path(__file__).parent
    items.sort(key=lambda item: item.path.is_relative_to(here))


def _refuse_unless_test_database() -> None:
    """The fixture seeds and then flushes: never do that to a real database. pytest-django
    points the connection at the test database only when a collected test is marked django_db."""
    name = PurePath(str(connection.settings_dict["NAME"])).name
    if not name.startswith("test"):
        pytest.fail(f"Refusing to seed and flush {name!r}: not a test database.")


def _seed() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    # Outbox rows for the outbox endpoints, delivered at once (locmem email backend).
    with eager_tasks():
        for user in User.objects.order_by("pk"):
            notify(kind="system.test", recipient=user, dedupe_key=f"fuzz:{user.pk}")


def _role_headers() -> dict[str, dict[str, str]]:
    headers: dict[str, dict[str, str]] = {}
    for role, email in ROLES.items():
        if email is None:
            headers[role] = {}
        else:
            token, _ = Token.objects.get_or_create(user=User.objects.get(email=email))
            headers[role] = {"Authorization": f"Token {token.key}"}
    return headers


def existing_path_values(schema, url: str, headers: dict[str, str]) -> dict[str, dict[str, list]]:
    """Values that exist for the path parameters of every operation in the schema.

    Generic, so that new endpoints need no code here: for /x/{p}/ they are the values of the
    field p of the items that GET /x/ lists."""
    known: dict[str, dict[str, list]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        names = [parameter.name for parameter in operation.path_parameters]
        if len(names) != 1 or operation.path.count("{") != 1:
            continue  # nested paths (/x/{a}/y/{b}/) get generated values only
        collection = operation.path.split("{", 1)[0]
        response = requests.get(
            f"{url}{collection}", params={"page_size": 100}, headers=headers, timeout=30
        )
        if response.status_code != 200:
            continue
        body = response.json()
        items = body.get("results", []) if isinstance(body, dict) else body
        values = {
            name: sorted({item[name] for item in items if isinstance(item, dict) and name in item})
            for name in names
        }
        if all(values.values()):
            known[operation.label] = values
    return known


@pytest.fixture(scope="module")
def fuzz_target(django_db_setup, django_db_blocker):
    """The app in a server thread, the demo data committed to the test database.

    The database stays unblocked while the module runs (the server thread queries it) and is
    flushed afterwards, as after a transactional test."""
    with django_db_blocker.unblock(), modify_settings(ALLOWED_HOSTS={"append": HOST}):
        _refuse_unless_test_database()
        _seed()
        server = LiveServerThread(HOST, StaticFilesHandler)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        try:
            if server.error:
                raise server.error
            yield FuzzTarget(url=f"http://{HOST}:{server.port}", headers=_role_headers())
        finally:
            server.terminate()
            call_command("flush", interactive=False, verbosity=0)
