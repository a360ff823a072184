"""Outbox delivery benchmark: `python -m tests.bench.outbox [--count 10000]`.

Needs PostgreSQL (DATABASE_URL) and Redis (CELERY_BROKER_URL) and refuses to run without them.
On that PostgreSQL server it drops and recreates the database `komman_bench_outbox` (migrated
from scratch, dropped again at the end); on that Redis server it uses databases 13 (broker,
flushed first) and 14 (cache). Settings are production's, as the workers run them.

Then, against one aiosmtpd server on loopback in a process of its own that counts messages:

- outbox: N reminder emails (notify() to N distinct people, one transaction) delivered by two
  Celery worker processes (solo pool each; each batch over NOTIFICATIONS_SMTP_CONNECTIONS
  connections at once, production's default), NOTIFICATIONS_MAX_PER_SECOND=0. Timed from the
  commit (which publishes the batches) until the server has accepted all N;
- plain loop (the practical limit): the same N messages, rendered beforehand, sent back to
  back over ONE smtplib connection; nothing rendered, nothing read or written in the database.

Prints messages/s for both and the ratio (target: the outbox reaches at least 50 % of the
plain loop; PASS/FAIL), writes var/bench/outbox.json. Exit status 1 only when something broke
(a message missing, a row not sent); a missed target is reported, not an error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import sys
import time
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .server import ROOT, bench_env, free_port

DATABASE = "komman_bench_outbox"
BROKER_DB, CACHE_DB = 13, 14
TARGET_SHARE = 0.5
WORKERS = 2
KINDS = ("volunteers.training_reminder", "volunteers.hours_confirmed")
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class BenchmarkError(RuntimeError):
    """Something broke; the figures would mean nothing."""


# --- The SMTP server, in its own process ------------------------------------------------------


def _smtp_server(port: int, counted, unique, ready, stop) -> None:
    """Accept every message, count it and its distinct Message-IDs (run by multiprocessing)."""
    from aiosmtpd.controller import Controller

    seen: set[bytes] = set()

    class Counter:
        async def handle_DATA(self, server, session, envelope):
            found = MESSAGE_ID.search(envelope.content)
            seen.add(found.group(1) if found else b"")
            with counted.get_lock():
                counted.value += 1
            unique.value = len(seen)
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    try:
        stop.wait()
    finally:
        controller.stop()


class SmtpCounter:
    """The counting server as a child process (spawned: no Django, no database connection)."""

    def __init__(self) -> None:
        context = get_context("spawn")
        self.port = free_port()
        self.counted = context.Value("q", 0)
        self.unique = context.Value("q", 0, lock=False)
        self._ready, self._stop = context.Event(), context.Event()
        self.process = context.Process(
            target=_smtp_server,
            args=(self.port, self.counted, self.unique, self._ready, self._stop),
            daemon=True,
        )

    def __enter__(self) -> SmtpCounter:
        self.process.start()
        if not self._ready.wait(30):
            self.__exit__()
            raise BenchmarkError("the SMTP server process did not start")
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.process.join(10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()

    def count(self) -> int:
        return self.counted.value

    def wait_for(self, count: int, timeout: float) -> float:
        """Block until `count` messages arrived; returns the moment (perf_counter)."""
        deadline = time.monotonic() + timeout
        while (seen := self.count()) < count:
            if time.monotonic() > deadline:
                raise BenchmarkError(f"{seen} of {count} messages arrived within {timeout:.0f} s")
            time.sleep(0.005)
        return time.perf_counter()


# --- Set-up ------------------------------------------------------------------------------------


def _with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def configured() -> tuple[str, str]:
    """(DATABASE_URL, CELERY_BROKER_URL) from the environment; exits when either is not a
    PostgreSQL / Redis URL (SQLite and the file broker would measure something else)."""
    database = os.environ.get("DATABASE_URL", "")
    broker = os.environ.get("CELERY_BROKER_URL", "")
    problems = []
    if not database.startswith(("postgres://", "postgresql://", "pgsql://")):
        problems.append(f"DATABASE_URL must point at PostgreSQL (is {database or 'unset'!r})")
    if not broker.startswith("redis://"):
        problems.append(f"CELERY_BROKER_URL must point at Redis (is {broker or 'unset'!r})")
    if problems:
        raise SystemExit(
            "The outbox benchmark refuses to run: "
            + "; ".join(problems)
            + ".\nExample: DATABASE_URL=postgres://postgres@127.0.0.1:5432/komman "
            "CELERY_BROKER_URL=redis://127.0.0.1:6379/0 python -m tests.bench.outbox"
        )
    return database, broker


def environment(database_url: str, broker_url: str, smtp_port: int) -> dict[str, str]:
    """Production settings for this process and the workers, pointing at the bench database,
    the bench Redis databases and the counting SMTP server."""
    return {
        **bench_env(DATABASE),
        "DATABASE_URL": _with_path(database_url, f"/{DATABASE}"),
        "CELERY_BROKER_URL": _with_path(broker_url, f"/{BROKER_DB}"),
        "REDIS_URL": _with_path(broker_url, f"/{CACHE_DB}"),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "NOTIFICATIONS_MAX_PER_SECOND": "0",
    }


def recreate_database(database_url: str) -> None:
    import psycopg

    with psycopg.connect(_with_path(database_url, "/postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")


def drop_database(database_url: str) -> None:
    import psycopg

    with psycopg.connect(_with_path(database_url, "/postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def people(count: int) -> list:
    from backend.accounts.models import User

    first = ["Amira", "Jürgen", "Олена", "Mohammed", "Zoë", "Hanna", "Yusuf", "Małgorzata"]
    return User.objects.bulk_create(
        (
            User(
                email=f"outbox{n}@example.org",
                full_name=f"{first[n % len(first)]} Beispiel {n}",
                language="en" if n % 5 == 0 else "de",
            )
            for n in range(count)
        ),
        batch_size=2000,
    )


def reminder_context(kind: str) -> dict:
    """One context for every email of the run (one training, one confirmed shift)."""
    if kind == "volunteers.hours_confirmed":
        return {
            "date": "07.03.2026",
            "hours": "3",
            "request_title": "Sprachcafé im Stadtteilzentrum",
            "dashboard_url": "https://bench.invalid/ehrenamt/",
        }
    from decimal import Decimal

    from django.utils import timezone

    from volunteers.models import Training, TrainingSession
    from volunteers.services.training_reminders import _context

    now = timezone.now()
    starts = now + dt.timedelta(days=2)
    training = Training.objects.create(
        title="Interkulturelle Kompetenz im Ehrenamt",
        description="Benchmark",
        place="Kreishaus Warendorf, Waldenburger Str. 2",
        capacity=20,
        registration_opens_at=now - dt.timedelta(days=30),
        registration_closes_at=now + dt.timedelta(days=1),
        cancellation_deadline=now + dt.timedelta(days=1),
        hours_credited=Decimal(6),
        status=Training.Status.PUBLISHED,
        first_starts_at=starts,
    )
    sessions = [(starts, starts + dt.timedelta(hours=3))]
    sessions.append((starts + dt.timedelta(days=7), starts + dt.timedelta(days=7, hours=3)))
    for session_start, session_end in sessions:
        TrainingSession.objects.create(
            training=training, starts_at=session_start, ends_at=session_end
        )
    return _context(training, sessions)


def start_workers(env: dict[str, str], logs: Path) -> list:
    from backend.celery import app
    from tests.notifications.processes import Worker

    started = []
    for n in range(1, WORKERS + 1):
        log = logs / f"outbox-worker-{n}.log"
        log.unlink(missing_ok=True)
        started.append(Worker({**os.environ, **env}, log, name=f"bench{n}").start())
    deadline = time.monotonic() + 60
    while len(app.control.ping(timeout=0.5) or []) < WORKERS:
        if time.monotonic() > deadline or any(w.process.poll() is not None for w in started):
            for worker in started:
                worker.stop()
            raise BenchmarkError(f"the workers did not come up; see {logs}/outbox-worker-*.log")
    return started


# --- The two measurements ----------------------------------------------------------------------


def measure_outbox(recipients: list, kind: str, smtp: SmtpCounter, env: dict, logs: Path) -> dict:
    from django.db import transaction

    from notifications.models import Notification
    from notifications.services import notify

    context = reminder_context(kind)
    before = smtp.count()
    workers = start_workers(env, logs)
    try:
        with transaction.atomic():
            for person in recipients:
                notify(kind=kind, recipient=person, context=context, dedupe_key=f"b:{person.pk}")
            started = time.perf_counter()  # leaving the block commits and publishes
        finished = smtp.wait_for(before + len(recipients), timeout=max(120, len(recipients) / 20))
    finally:
        for worker in workers:
            worker.stop()
    not_sent = Notification.objects.exclude(status=Notification.Status.SENT).count()
    if not_sent or smtp.unique.value != len(recipients):
        raise BenchmarkError(
            f"{not_sent} row(s) not sent; {smtp.unique.value} distinct Message-IDs for "
            f"{len(recipients)} emails"
        )
    seconds = finished - started
    return {"messages": len(recipients), "seconds": seconds, "rate": len(recipients) / seconds}


def prepared_messages() -> list[tuple[str, list[str], bytes]]:
    """Every outbox row rendered once, as the bytes smtplib sends: (from, to, message)."""
    from email.utils import parseaddr

    from notifications.models import Notification
    from notifications.rendering import render_notification

    prepared = []
    for row in Notification.objects.select_related("recipient").order_by("pk").iterator():
        message = render_notification(row)
        sender = parseaddr(message.from_email)[1]
        prepared.append((sender, message.recipients(), message.message().as_bytes(linesep="\r\n")))
    return prepared


def measure_plain_loop(prepared: list[tuple[str, list[str], bytes]], smtp: SmtpCounter) -> dict:
    import smtplib

    before = smtp.count()
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", smtp.port, timeout=30) as connection:
        for sender, recipients, data in prepared:
            connection.sendmail(sender, recipients, data)
    finished = smtp.wait_for(before + len(prepared), timeout=30)
    seconds = finished - started
    return {"messages": len(prepared), "seconds": seconds, "rate": len(prepared) / seconds}


# --- Main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.outbox", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--count", type=int, default=10_000, help="emails (default 10000)")
    parser.add_argument("--kind", choices=KINDS, default=KINDS[0], help="the reminder's kind")
    parser.add_argument("--json", type=Path, default=ROOT / "var" / "bench" / "outbox.json")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    database_url, broker_url = configured()
    load_at_start = os.getloadavg()
    logs = ROOT / "var" / "bench"
    logs.mkdir(parents=True, exist_ok=True)

    with SmtpCounter() as smtp:
        env = environment(database_url, broker_url, smtp.port)
        os.environ.update(env)  # this process writes the rows under the workers' settings
        print(f"Preparing database {DATABASE} and {args.count:,} people ...", flush=True)
        recreate_database(database_url)
        try:
            import django
            import redis
            from django.core.management import call_command

            django.setup()
            call_command("migrate", verbosity=0, interactive=False)
            redis.Redis.from_url(env["CELERY_BROKER_URL"]).flushdb()
            recipients = people(args.count)

            print(f"  outbox: {args.count:,} x {args.kind}, {WORKERS} workers ...", flush=True)
            outbox = measure_outbox(recipients, args.kind, smtp, env, logs)
            print(
                f"  {outbox['rate']:.0f} messages/s; rendering for the plain loop ...", flush=True
            )
            prepared = prepared_messages()
            print("  plain loop: one SMTP connection, pre-rendered ...", flush=True)
            plain = measure_plain_loop(prepared, smtp)
        except BenchmarkError as exc:
            print(f"\nBENCHMARK FAILED: {exc}", file=sys.stderr)
            return 1
        finally:
            from django.db import connections

            connections.close_all()
            drop_database(database_url)

    from django.conf import settings

    lanes = settings.NOTIFICATIONS_SMTP_CONNECTIONS
    share = outbox["rate"] / plain["rate"]
    verdict = "PASS" if share >= TARGET_SHARE else "FAIL"
    print()
    print(f"Outbox delivery of {args.count:,} emails ({args.kind}), SMTP server on loopback")
    print(
        f"  outbox ({WORKERS} Celery workers, solo pool, {lanes} SMTP connections per "
        f"batch): {outbox['rate']:8.1f} messages/s "
        f"({outbox['seconds']:.2f} s from the commit to the last message)"
    )
    print(
        f"  plain loop (one connection, pre-rendered): {plain['rate']:8.1f} messages/s "
        f"({plain['seconds']:.2f} s)"
    )
    print(f"  ratio: {share:.0%} of the plain loop (target >= {TARGET_SHARE:.0%}): {verdict}")
    report = {
        "count": args.count,
        "kind": args.kind,
        "workers": WORKERS,
        "smtp_connections_per_batch": lanes,
        "outbox": outbox,
        "plain_loop": plain,
        "ratio": share,
        "target": TARGET_SHARE,
        "passed": share >= TARGET_SHARE,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            # Other work on the box skews the numbers.
            "load_average_at_start": [round(x, 2) for x in load_at_start],
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"Wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
