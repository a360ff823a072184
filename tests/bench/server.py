"""The app under test: gunicorn with production settings on 127.0.0.1, and its workers' memory.

Workers: the sync class the Dockerfile runs, one per core (2 here). All the work of a request is
CPU on the same cores: Python in the worker (one thread at a time under the GIL), the PostgreSQL
backend and wrk itself, so more processes or threads mostly add context switches and memory.
The 8 connections queue in the listen backlog, as they would behind a reverse proxy; sync workers
close each connection, as a proxy without upstream keep-alive would see. `--workers` changes it.
"""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"  # to drop and create
# What the TLS-terminating reverse proxy in front of gunicorn adds to every request.
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}


def bench_env(database: str) -> dict[str, str]:
    """The environment production settings need, pointing at the local services."""
    return {
        "DJANGO_SETTINGS_MODULE": "backend.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "TRUSTED_PROXY_COUNT": "1",  # the proxy of PROXY_HEADERS
        "SITE_URL": "https://bench.invalid",
        "DATABASE_URL": POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{database}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/11",
        "REDIS_URL": "redis://127.0.0.1:6379/12",
        "EMAIL_URL": "smtp://127.0.0.1:2525",  # nothing is sent by the pages measured
        "QUERY_COUNT_HEADER": "true",
        "LOG_LEVEL": "WARNING",
    }


def request(
    port: int, path: str, *, method: str = "GET", headers: dict | None = None, body: str = ""
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request as the proxy would forward it: (status, headers, body); no redirects."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body or None, headers={**PROXY_HEADERS, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving tests.bench.wsgi (the app plus the trivial view) until stop()."""

    def __init__(self, env: dict[str, str], *, workers: int, log: Path) -> None:
        self.env = {**os.environ, **env}
        self.workers = workers
        self.log = log
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "gunicorn", "tests.bench.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)]
        command += ["--worker-class", "sync", "--error-logfile", str(self.log)]
        command += ["--no-control-socket"]  # the default socket path is shared per user
        self.process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start-up; see {self.log}")
            try:
                if request(self.port, "/healthz")[0] == 200 and len(self.worker_pids()) == (
                    self.workers
                ):
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz within 60 s; see {self.log}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def worker_pids(self) -> list[int]:
        """The processes whose parent is the gunicorn master."""
        assert self.process is not None
        master = self.process.pid
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            # The command name (field 2) may contain spaces; the fields after it do not.
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry))
        return pids


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass  # the worker was just replaced
    return 0.0


class PeakRss:
    """Samples the workers' resident memory every 100 ms while in the `with` block; `peak_mb`
    is the largest value any single worker reached."""

    def __init__(self, server: Server, interval: float = 0.1) -> None:
        self.server = server
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        pids = self.server.worker_pids()
        rescanned = time.monotonic()
        while True:
            if time.monotonic() - rescanned > 1:  # a worker may have been restarted
                pids, rescanned = self.server.worker_pids(), time.monotonic()
            self.peak_mb = max([self.peak_mb, *(rss_mb(pid) for pid in pids)])
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
