"""The local demo (`make run`) is safe to leave running on a laptop, and `.env.example` copied as
it is keeps it that way.

The demo's web server runs here as `make run` starts it (the Procfile's command, the demo
settings) against a SQLite database of its own: it listens on 127.0.0.1 only, answers a missing
page with the platform's own 404, and ten volunteers writing at the same moment never get a 500
("database is locked"). The secret key is random, made on first start and kept under var/.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.conftest import clean_environ, settings_of

ROOT = Path(__file__).resolve().parents[1]
INSECURE_KEY = "insecure-local-development-key-do-not-use-in-production"
PARALLEL = 10  # volunteers writing at the same moment
PLACES = 3  # seats of the training, places of the help request


def demo_environ(var_dir: Path, **variables: str) -> dict[str, str]:
    """The environment `make run` gives its processes, with the demo's state in `var_dir`."""
    return clean_environ(
        DJANGO_SETTINGS_MODULE="backend.settings.local", VAR_DIR=str(var_dir), **variables
    )


# --- .env.example ---------------------------------------------------------------------------


def env_example() -> dict[str, str]:
    """The variables .env.example sets (its lines that are not comments)."""
    pairs = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _sep, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def test_env_example_lists_every_variable_the_settings_read():
    source = (ROOT / "backend" / "settings" / "base.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]*)"', source))
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    assert len(read) > 30, "the settings' variables were not found"
    assert read - listed == set(), "variables missing from .env.example"


def test_env_example_copied_as_it_is_keeps_the_zero_setup_demo(tmp_path):
    values = settings_of(
        demo_environ(tmp_path, **env_example()),
        "DATABASES",
        "CELERY_BROKER_URL",
        "CACHES",
        "EMAIL_BACKEND",
        "NOTIFICATIONS_SMTP_CONNECTIONS",
        "DEBUG",
        "SECRET_KEY",
    )
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["CELERY_BROKER_URL"].startswith("filesystem://")
    assert values["CACHES"]["default"]["BACKEND"].endswith("FileBasedCache")
    assert values["EMAIL_BACKEND"] == "notifications.mailbox.MailboxBackend"
    assert values["NOTIFICATIONS_SMTP_CONNECTIONS"] == 1
    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] not in ("", INSECURE_KEY)


# --- Secret key and debug pages ---------------------------------------------------------------


def test_first_start_makes_one_random_secret_key_for_web_worker_and_beat(tmp_path):
    """Three processes start at once, as honcho starts web, worker and beat: one key for all,
    kept in var/secret-key for the owner's eyes only, the same on the next start."""
    script = "from django.conf import settings; print(settings.SECRET_KEY)"
    env = demo_environ(tmp_path)
    starts = [
        subprocess.Popen(
            [sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    keys = {process.communicate(timeout=120)[0].strip() for process in starts}
    assert len(keys) == 1
    [key] = keys
    assert len(key) >= 50 and key != INSECURE_KEY
    stored = tmp_path / "secret-key"
    assert stored.read_text(encoding="utf-8") == key
    assert stored.stat().st_mode & 0o777 == 0o600
    assert settings_of(env, "SECRET_KEY")["SECRET_KEY"] == key
    other = tmp_path / "other"
    assert settings_of(demo_environ(other), "SECRET_KEY")["SECRET_KEY"] != key


def test_debug_is_off_unless_a_developer_asks_for_it(tmp_path):
    assert settings_of(demo_environ(tmp_path), "DEBUG")["DEBUG"] is False
    assert settings_of(demo_environ(tmp_path, DEBUG="true"), "DEBUG")["DEBUG"] is True


# --- The demo's web server --------------------------------------------------------------------

SETUP = """
import json, sys
import django
django.setup()
from django.test import Client
from tests.factories import OrganisationFactory, VolunteerFactory
from tests.trainings.factories import TrainingFactory
from tests.volunteers.factories import AssignmentFactory, HelpRequestFactory
from volunteers.services.assignments import answer_token

parallel, places = int(sys.argv[1]), int(sys.argv[2])
volunteers = VolunteerFactory.create_batch(parallel)
training = TrainingFactory(capacity=places)
request = HelpRequestFactory(open=True, helpers_needed=places)
tokens = [
    answer_token(AssignmentFactory(help_request=request, volunteer=v), "accept")
    for v in volunteers
]
sessions = []
for volunteer in volunteers:
    client = Client()
    client.force_login(volunteer)
    sessions.append(client.cookies["sessionid"].value)
print(json.dumps({"training": training.pk, "request": request.pk, "tokens": tokens,
                  "sessions": sessions}))
"""


@dataclass
class Demo:
    url: str
    port: int
    database: Path
    data: dict


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _web_command() -> str:
    """The Procfile's web line, as honcho runs it for `make run`."""
    for line in (ROOT / "Procfile").read_text(encoding="utf-8").splitlines():
        if line.startswith("web:"):
            return line.removeprefix("web:").strip()
    raise AssertionError("the Procfile has no web process")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[Demo]:
    var = tmp_path_factory.mktemp("demo-var")
    env = demo_environ(var, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    made = subprocess.run(
        [sys.executable, "-c", SETUP, str(PARALLEL), str(PLACES)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    port = _free_port()
    log = (var / "web.log").open("w")
    server = subprocess.Popen(
        ["sh", "-c", _web_command()],
        cwd=ROOT,
        env={**env, "PORT": str(port)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a hang guard: the server starts in a few seconds
        while True:
            try:
                requests.get(f"{url}/healthz", timeout=5)
                break
            except requests.ConnectionError:
                assert server.poll() is None, (var / "web.log").read_text()
                assert time.monotonic() < deadline, (var / "web.log").read_text()
                time.sleep(0.2)
        yield Demo(url, port, var / "db.sqlite3", json.loads(made.stdout.strip().splitlines()[-1]))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on `port` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as handle:
            for row in list(handle)[1:]:
                local, _remote, state = row.split()[1:4]
                address, _sep, hex_port = local.partition(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    found.add(address)
    return found


def test_the_demo_listens_on_127_0_0_1_only(demo):
    assert "127.0.0.1:" in _web_command()
    assert _listening_addresses(demo.port) == {"0100007F"}  # 127.0.0.1, nothing else


def test_a_missing_page_is_the_platforms_own_404_not_a_list_of_routes(demo):
    response = requests.get(f"{demo.url}/gibt-es-nicht/", timeout=30)
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.text
    assert "URLconf" not in response.text and "urlpatterns" not in response.text


def _post_all_at_once(posts: list[tuple[str, dict[str, str]]]) -> list[int]:
    """POST every (url, cookies) from its own thread, all released at once; the statuses."""
    barrier = threading.Barrier(len(posts))
    statuses: list[int] = [0] * len(posts)
    csrf = "a" * 32  # the CSRF cookie and the header carry the same secret

    def post(index: int, url: str, cookies: dict[str, str]) -> None:
        with requests.Session() as session:
            session.cookies.update({**cookies, "csrftoken": csrf})
            barrier.wait(timeout=60)
            response = session.post(
                url, headers={"X-CSRFToken": csrf}, allow_redirects=False, timeout=120
            )
            statuses[index] = response.status_code

    threads = [
        threading.Thread(target=post, args=(index, url, cookies))
        for index, (url, cookies) in enumerate(posts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)  # hang guard
    return statuses


def _count(database: Path, sql: str) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        return dict(connection.execute(sql).fetchall())


def test_ten_volunteers_writing_at_once_never_get_database_is_locked(demo):
    """Ten registrations for a training with three seats, then ten volunteers accepting from
    the email's link a request with three places, each ten at the same moment."""
    registrations = _post_all_at_once(
        [
            (f"{demo.url}/schulungen/{demo.data['training']}/anmelden/", {"sessionid": s})
            for s in demo.data["sessions"]
        ]
    )
    accepts = _post_all_at_once(
        [(f"{demo.url}/einsatz/antwort/{token}/", {}) for token in demo.data["tokens"]]
    )

    assert registrations == [302] * PARALLEL
    assert sorted(accepts) == [200] * PLACES + [409] * (PARALLEL - PLACES)
    seats = _count(
        demo.database,
        "SELECT status, COUNT(*) FROM volunteers_registration "
        f"WHERE training_id = {int(demo.data['training'])} GROUP BY status",
    )
    assert seats == {"confirmed": PLACES, "waitlisted": PARALLEL - PLACES}
    helpers = _count(
        demo.database,
        "SELECT status, COUNT(*) FROM volunteers_assignment "
        f"WHERE help_request_id = {int(demo.data['request'])} GROUP BY status",
    )
    assert helpers == {"confirmed": PLACES, "invited": PARALLEL - PLACES}
    log = (demo.database.parent / "web.log").read_text()
    assert "database is locked" not in log
