"""Real processes for the outbox tests: an SMTP server on loopback, Celery worker processes and
private Redis servers, each stopped (or killed with its whole process group) by its owner.

Used by test_worker_smtp.py and test_faults.py; the benchmark (tests/bench/outbox.py) starts its
workers with Worker. Django is imported only inside database_url(), so the benchmark can import
this module before django.setup().
"""

from __future__ import annotations

import email
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from email import policy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The URL of the test database, for a process outside pytest."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def require_binary(name: str) -> str:
    """The path of a program the test needs: skipped locally without it, an error in CI."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


# --- SMTP ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """One message the server accepted (answered 250 to its DATA)."""

    to: str
    message_id: str
    at: float  # time.monotonic()
    message: email.message.EmailMessage
    connection: int  # numbered in the order the server first saw a message on it


class Inbox:
    """aiosmtpd handler that keeps every message it accepts.

    `answer(address, attempt)` decides the reply to RCPT and DATA: None accepts; a string such
    as "451 4.3.0 Try again later" is sent instead. `attempts` records (stage, address, time)
    for every RCPT and DATA the server saw, accepted or not.
    """

    def __init__(self, answer: Callable[[str, str, int], str | None] | None = None):
        self.answer = answer or (lambda _stage, _address, _attempt: None)
        self.messages: list[Received] = []
        self.attempts: list[tuple[str, str, float]] = []
        self.lock = threading.Lock()
        # SMTP sessions by id(), holding the session so that its id is not reused.
        self._sessions: dict[int, tuple[int, object]] = {}

    def _attempt(self, stage: str, address: str) -> str | None:
        with self.lock:
            self.attempts.append((stage, address, time.monotonic()))
            count = sum(1 for s, a, _t in self.attempts if s == stage and a == address)
        return self.answer(stage, address, count)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self._attempt("RCPT", address)
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        to = ",".join(envelope.rcpt_tos)
        reply = self._attempt("DATA", to)
        if reply is not None:
            return reply
        with self.lock:
            number, _session = self._sessions.setdefault(
                id(session), (len(self._sessions) + 1, session)
            )
            self.messages.append(
                Received(to, str(message["Message-ID"]), time.monotonic(), message, number)
            )
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def received(self) -> list[Received]:
        with self.lock:
            return list(self.messages)

    def attempts_for(self, stage: str, address: str) -> list[float]:
        with self.lock:
            return [t for s, a, t in self.attempts if s == stage and a == address]

    def wait_for(self, count: int, timeout: float = 60) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count() >= count:
                return self.received()
            time.sleep(0.1)
        raise AssertionError(f"expected {count} message(s), got {self.count()}")


@contextmanager
def smtp_server(inbox: Inbox) -> Iterator[int]:
    """An SMTP server on a free loopback port, in a thread of this process; yields the port."""
    from aiosmtpd.controller import Controller

    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


# --- Redis --------------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of our own on a free loopback port, no persistence. stop() and start()
    again keep the port, so clients configured with `url` reconnect to the new server."""

    def __init__(self, port: int | None = None) -> None:
        self.binary = require_binary("redis-server")
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 10) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        self.process = subprocess.Popen(  # noqa: S603
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited at start-up on port {self.port}")
            if self.ping():
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> PrivateRedis:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# --- Celery workers -----------------------------------------------------------------------


def worker_env(*, database: str, broker: str, smtp_port: int, **extra: object) -> dict[str, str]:
    """The environment of a worker process: this test's database, the given broker and SMTP
    server, and extra settings (NOTIFICATIONS_... = value)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.settings.local",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": database,
        "CELERY_BROKER_URL": broker,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        **{name: str(value) for name, value in extra.items()},
    }


class Worker:
    """`celery -A backend worker` in its own process group (session), output to a file.

    kill() is a crash: SIGKILL to the whole group, so prefork children die with their parent.
    stop() is a warm shutdown (SIGTERM), then the group is killed if it is still there.
    """

    def __init__(
        self,
        env: dict[str, str],
        log: Path,
        *,
        pool: str = "solo",
        concurrency: int = 1,
        name: str = "worker",
        loglevel: str = "WARNING",
    ) -> None:
        self.env = env
        self.log = log
        self.command = [sys.executable, "-m", "celery", "-A", "backend", "worker"]
        self.command += [f"--pool={pool}", f"--loglevel={loglevel}", f"--hostname={name}@%h"]
        if pool == "prefork":
            self.command.append(f"--concurrency={concurrency}")
        self.command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(  # noqa: S603
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def _killpg(self, sig: int) -> None:
        with suppress(ProcessLookupError):  # the group is gone already
            os.killpg(self.pid, sig)  # the group id is the leader's pid (start_new_session)

    def kill(self) -> None:
        """SIGKILL to the worker and its children, as a crash or an OOM kill would."""
        if self.process is None:
            return
        self._killpg(signal.SIGKILL)
        self.process.wait()

    def stop(self, timeout: float = 20) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=timeout)
        self._killpg(signal.SIGKILL)  # whatever is left of the group
        self.process.wait()

    def output(self, tail: int = 4000) -> str:
        try:
            return self.log.read_text(errors="replace")[-tail:]
        except OSError:
            return ""

    def __enter__(self) -> Worker:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
