"""Shared fixtures. Services (PostgreSQL, Redis) are real; in CI a missing one is an error."""

from __future__ import annotations

import os
import socket
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings

from backend.accounts.services import user_set_totp

from .factories import TEST_PASSWORD, UserFactory, VolunteerFactory

# One browser per test run for every folder with browser journeys (a second Playwright in
# the same thread would fail).
pytest_plugins = ["tests.browser"]

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# CI runs the randomised and concurrency tests at full strength; a local `make test` runs them
# lighter (TEST_EFFORT=full runs the CI amounts locally). See effort().
FULL_EFFORT = IN_CI or os.environ.get("TEST_EFFORT", "").lower() == "full"


def effort(*, ci: int, local: int) -> int:
    """How many repetitions, steps or examples a randomised or concurrency test runs: `ci` in
    CI (and with TEST_EFFORT=full), `local` in a local run. The test is the same either way;
    only how long it searches differs."""
    return ci if FULL_EFFORT else local


TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


# Fixtures of tests that drive a browser or start real processes: the long ones.
LONG_RUNNING_FIXTURES = {"live_server", "browser", "journey", "harness", "demo", "local_stack"}


def pytest_collection_modifyitems(items) -> None:
    """Long tests first (browsers, real processes), the others in their order. With several
    workers (pytest-xdist), what starts last ends last: a long test at the end keeps one worker
    busy while the others are done."""

    def long_running(item) -> bool:
        fixtures = set(getattr(item, "fixturenames", ()))
        return bool(item.get_closest_marker("services")) or bool(fixtures & LONG_RUNNING_FIXTURES)

    items.sort(key=lambda item: not long_running(item))


def require_service(name: str, url: str) -> None:
    """Skip locally, fail in CI, when a real service the test needs is not reachable."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port), timeout=2):
            return
    except OSError as exc:
        message = f"{name} is not reachable at {parts.hostname}:{parts.port} ({exc})"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def redis_url(purpose: str = "broker") -> str:
    """The Redis the tests use: the configured broker if it is Redis, else the local default;
    `purpose` names one of this test worker's own databases (settings.TEST_REDIS_DBS)."""
    url = settings.CELERY_BROKER_URL
    base = url.rsplit("/", 1)[0] if url.startswith("redis://") else "redis://127.0.0.1:6379"
    return f"{base}/{settings.TEST_REDIS_DBS[purpose]}"


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The current TOTP code for a base32 secret, as an authenticator app would show it."""
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD


@pytest.fixture
def volunteer(db):
    return VolunteerFactory()


@pytest.fixture
def staff_with_mfa(db):
    user = UserFactory(ki_staff=True)
    user_set_totp(user=user, secret=TOTP_SECRET)
    return user


@pytest.fixture
def staff_without_mfa(db):
    return UserFactory(ki_staff=True)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and used TOTP codes live in the cache; each test starts clean."""
    from django.core.cache import cache

    cache.clear()
    yield


# Variables of the test process that a fresh process for other settings must not inherit.
TEST_ONLY_VARIABLES = (
    "DJANGO_",
    "DATABASE_",
    "CELERY_",
    "REDIS_",
    "EMAIL_",
    "PYTEST_",
    "SECRET_",
    "SITE_URL",
    "DEBUG",
    "VAR_DIR",
)


def clean_environ(**variables: str) -> dict[str, str]:
    """This process's environment without the test settings' variables, plus `variables`:
    for a process that runs with other settings (the demo's, production's)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(TEST_ONLY_VARIABLES)}
    env.update(variables)
    return env


def settings_of(env: dict[str, str], *names: str) -> dict[str, Any]:
    """The values of settings `names` in a fresh process with environment `env` (which names
    the settings module), as JSON gives them back."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import json, sys\n"
        "from django.conf import settings\n"
        "names = sys.argv[1:]\n"
        "print(json.dumps({n: getattr(settings, n, None) for n in names}, default=repr))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *names],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@contextmanager
def module_transaction(django_db_blocker):
    """Rows built once for all tests of a module, as Django's TestCase.setUpTestData does: a
    module-scoped fixture builds them inside this transaction, which is rolled back after the
    module. Each test (pytest-django's `db`) runs in a savepoint inside it, so what one test
    changes, the next does not see. Hand each test a deep copy of the Python objects too
    (copy.deepcopy), so that an object one test changed in memory reaches no other."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@contextmanager
def use_broker(url: str):
    """Point this process's Celery app at another broker for the duration (publishing only).

    Celery reads CELERY_BROKER_URL from the environment before its configuration, so both
    are switched."""
    from backend.celery import app

    def switch(to: str | None) -> None:
        if to is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = to
        app._pool = None
        app.amqp._producer_pool = None

    previous = os.environ.get("CELERY_BROKER_URL")
    switch(url)
    try:
        yield app
    finally:
        switch(previous)


@contextmanager
def eager_tasks():
    """Run tasks inline (for tests of what a sweep enqueues, without a worker process)."""
    from backend.celery import app

    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False
