"""Production settings: pass Django's deployment checks, refuse unsafe defaults."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

REALISTIC_ENV = {
    "DJANGO_SETTINGS_MODULE": "backend.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "ehrenamt.kreis-warendorf.de",
    "SITE_URL": "https://ehrenamt.kreis-warendorf.de",
    "DATABASE_URL": "postgres://komman:secret@127.0.0.1:5432/komman",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
    "TRUSTED_PROXY_COUNT": "1",
}


def _manage(*args: str, **overrides: str | None) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_", "REDIS_", "EMAIL_"))
    }
    env.update(REALISTIC_ENV)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("override", "reason"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"DEBUG": "true"}, "DEBUG"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"DATABASE_URL": None}, "PostgreSQL"),
        ({"CELERY_BROKER_URL": None}, "Redis"),
        ({"REDIS_URL": None}, "REDIS_URL"),
        ({"EMAIL_URL": None}, "EMAIL_URL"),
        ({"SITE_URL": "http://ehrenamt.kreis-warendorf.de"}, "https"),
        ({"TRUSTED_PROXY_COUNT": None}, "TRUSTED_PROXY_COUNT"),
    ],
)
def test_production_refuses_to_start_with_an_unsafe_default(override, reason):
    result = _manage("check", **override)
    assert result.returncode != 0
    assert "refuse to start" in result.stderr
    assert reason in result.stderr


def test_production_refuses_to_seed_demo_data():
    result = _manage("seed_demo")
    assert result.returncode != 0
    assert "production" in result.stderr
