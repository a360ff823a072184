"""The target of the API fuzz run: the WSGI application, called in-process, against the demo
data, with a token per role.

The demo data is seeded once per module inside a transaction that is rolled back after the
module (tests.conftest.module_transaction); each fuzz test runs in a savepoint inside it, so
the requests really change data (PATCH /api/v1/me/) and the next test starts from the seed
again. In-process calls skip the socket and the server thread of a live server, which made up
a good part of the fuzz run's time; the requests still pass through every middleware."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import Client
from rest_framework.authtoken.models import Token

from backend.accounts.models import User
from notifications.services import deliver_many, notify
from tests.conftest import module_transaction

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


class InProcessApp:
    """Django's WSGI handler called on this thread's database connection, inside the test's
    transaction: like Django's test client, it keeps Django from closing that connection at
    the start and end of each request."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()  # sends request_finished
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


@dataclass
class FuzzTarget:
    headers: dict[str, dict[str, str]]  # role -> request headers


def _refuse_unless_test_database() -> None:
    """Never seed a real database. pytest-django points the connection at the test database
    only when a collected test is marked django_db."""
    name = PurePath(str(connection.settings_dict["NAME"])).name
    if not name.startswith("test"):
        pytest.fail(f"Refusing to seed {name!r}: not a test database.")


def _seed() -> None:
    call_command("seed_demo", verbosity=0)
    # Outbox rows for the outbox endpoints, delivered at once (locmem email backend).
    users = User.objects.order_by("pk")
    rows = [notify(kind="system.test", recipient=u, dedupe_key=f"fuzz:{u.pk}") for u in users]
    deliver_many(notification_ids=[row.pk for row in rows])


def _role_headers() -> dict[str, dict[str, str]]:
    headers: dict[str, dict[str, str]] = {}
    for role, email in ROLES.items():
        if email is None:
            headers[role] = {}
        else:
            token, _ = Token.objects.get_or_create(user=User.objects.get(email=email))
            headers[role] = {"Authorization": f"Token {token.key}"}
    return headers


def existing_path_values(schema, headers: dict[str, str]) -> dict[str, dict[str, list]]:
    """Values that exist for the path parameters of every operation in the schema.

    Generic, so that new endpoints need no code here: for /x/{p}/ they are the values of the
    field p of the items that GET /x/ lists."""
    client = Client(headers=headers)
    known: dict[str, dict[str, list]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        names = [parameter.name for parameter in operation.path_parameters]
        if len(names) != 1 or operation.path.count("{") != 1:
            continue  # nested paths (/x/{a}/y/{b}/) get generated values only
        collection = operation.path.split("{", 1)[0]
        response = client.get(collection, {"page_size": 100})
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
def _fuzz_target(django_db_setup, django_db_blocker) -> Iterator[FuzzTarget]:
    with module_transaction(django_db_blocker):
        _refuse_unless_test_database()
        _seed()
        yield FuzzTarget(headers=_role_headers())


@pytest.fixture
def fuzz_target(_fuzz_target, db) -> FuzzTarget:
    """The target; what a test's requests change is rolled back after it."""
    return FuzzTarget(headers=copy.deepcopy(_fuzz_target.headers))
