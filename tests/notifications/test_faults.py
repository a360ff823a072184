"""The outbox under faults, with real processes: Celery workers killed with SIGKILL mid-run, the
broker stopped and started again, a mail server that answers 451 and 550, and recipients who
switch an email off while it waits.

Every test has its own SMTP server (a thread of this process), its own redis-server on a free
port (so a worker of another test run on this machine never takes our tasks) and its own worker
processes, each in its own process group. The sweep runs here, every second, as beat would.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from backend.accounts.models import User
from notifications.models import Notification
from notifications.services import notify, preference_set, sweep
from tests.conftest import use_broker
from tests.factories import UserFactory
from volunteers.services.consents import consent_give, consent_withdraw

from .processes import Inbox, PrivateRedis, Worker, database_url, smtp_server, worker_env

pytestmark = pytest.mark.services

SWEEP_AFTER_SECONDS = 2
CLAIM_TIMEOUT_SECONDS = 3
RETRY_BACKOFF_SECONDS = 1
SMTP_CONNECTIONS = 3  # per batch, at once: as many messages in flight when a worker dies
Status = Notification.Status


@dataclass
class Harness:
    inbox: Inbox
    smtp_port: int
    redis: PrivateRedis
    logs: Path
    workers: list[Worker] = field(default_factory=list)

    def start_worker(self) -> Worker:
        env = worker_env(
            database=database_url(),
            broker=self.redis.url,
            smtp_port=self.smtp_port,
            NOTIFICATIONS_SWEEP_AFTER_SECONDS=SWEEP_AFTER_SECONDS,
            NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS=CLAIM_TIMEOUT_SECONDS,
            NOTIFICATIONS_RETRY_BACKOFF_SECONDS=RETRY_BACKOFF_SECONDS,
            NOTIFICATIONS_MAX_PER_SECOND=0,
            NOTIFICATIONS_SMTP_CONNECTIONS=SMTP_CONNECTIONS,
        )
        worker = Worker(env, self.logs / f"worker-{len(self.workers) + 1}.log")
        self.workers.append(worker)
        return worker.start()

    def sweep_until(
        self, done: Callable[[], bool], *, timeout: float, what: str | Callable[[], str]
    ) -> None:
        """Run the beat task's body about once a second until done() holds. `what` says
        what was awaited (a callable: evaluated at the timeout, to show the state then)."""
        deadline = time.monotonic() + timeout
        last_sweep = 0.0
        while not done():
            if time.monotonic() > deadline:
                description = what() if callable(what) else what
                raise AssertionError(f"not within {timeout:.0f} s: {description}")
            if time.monotonic() - last_sweep >= 1:
                sweep()
                last_sweep = time.monotonic()
            time.sleep(0.05)

    def sweep_for(self, seconds: float) -> None:
        """Keep sweeping for a while, for what must NOT happen (a late copy, a resend)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            sweep()
            time.sleep(1)


@pytest.fixture
def harness(transactional_db, settings, tmp_path) -> Iterator[Harness]:
    """SMTP server, private Redis as the broker of this process and of the workers; every
    worker started through it is stopped (its process group killed) on the way out."""
    settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS = SWEEP_AFTER_SECONDS
    settings.NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS = CLAIM_TIMEOUT_SECONDS
    settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS = RETRY_BACKOFF_SECONDS
    settings.NOTIFICATIONS_MAX_PER_SECOND = 0
    inbox = Inbox()
    with smtp_server(inbox) as port, PrivateRedis() as redis, use_broker(redis.url):
        state = Harness(inbox=inbox, smtp_port=port, redis=redis, logs=tmp_path)
        try:
            yield state
        finally:
            for worker in state.workers:
                worker.stop()
                code = worker.process.returncode if worker.process else None
                print(f"--- {worker.log.name} (exit {code})\n{worker.output()}")


def _statuses(keys: list[str]) -> Counter:
    return Counter(
        Notification.objects.filter(dedupe_key__in=keys).values_list("status", flat=True)
    )


def test_workers_killed_at_30_and_60_percent_still_deliver_all_1000_emails(harness):
    """SIGKILL to the worker's process group twice mid-run; restarted each time. Every email
    arrives; a copy is possible only of a message in flight at a kill (one per connection the
    batch sends over), with its Message-ID."""
    total = 1000
    users = User.objects.bulk_create(
        User(email=f"crash{n}@example.org", full_name=f"Absturz {n}", language="de")
        for n in range(total)
    )
    keys = [f"crash:{user.pk}" for user in users]
    for start in range(0, total, 100):
        with transaction.atomic():
            for user in users[start : start + 100]:
                notify(
                    kind="system.test", recipient=user, context={}, dedupe_key=f"crash:{user.pk}"
                )

    harness.start_worker()
    kills = []
    for threshold in (total * 30 // 100, total * 60 // 100):
        harness.sweep_until(
            lambda threshold=threshold: harness.inbox.count() >= threshold,
            timeout=40,
            what=lambda threshold=threshold: (
                f"{threshold} messages before the kill (got {harness.inbox.count()})"
            ),
        )
        harness.workers[-1].kill()
        kills.append(harness.inbox.count())
        harness.start_worker()
    harness.sweep_until(
        lambda: _statuses(keys)[Status.SENT] == total,
        timeout=60,
        what=lambda: f"all {total} rows sent (now {dict(_statuses(keys))})",
    )
    harness.sweep_for(2)  # a late copy would arrive now

    received = harness.inbox.received()
    rows = dict(Notification.objects.filter(dedupe_key__in=keys).values_list("to_email", "pk"))
    by_address: dict[str, list[str]] = defaultdict(list)
    for message in received:
        assert message.message["To"] == message.to
        by_address[message.to].append(message.message_id)
    duplicates = len(received) - len(by_address)
    print(
        f"\nworker killed at {kills} of {total} messages received; "
        f"{len(received)} messages for {len(by_address)} notifications: "
        f"{duplicates} raw duplicate(s)"
    )
    assert all(count < total for count in kills), "a kill must hit a running delivery"
    assert set(by_address) == set(rows)  # everyone got theirs, nobody else got anything
    for address, message_ids in by_address.items():
        # A copy carries the original's Message-ID, so a mail program shows it once.
        assert len(set(message_ids)) == 1, (address, message_ids)
        assert message_ids[0].startswith(f"<n{rows[address]}."), (address, message_ids)
    in_flight = len(kills) * SMTP_CONNECTIONS
    assert duplicates <= in_flight, Counter(m.to for m in received).most_common(5)
    assert _statuses(keys) == {Status.SENT: total}


def test_broker_down_at_commit_loses_nothing_and_sends_nothing_rolled_back(harness):
    """Redis stops; notify() in committed and in rolled-back transactions neither raises nor
    hangs. Redis comes back on the same port; the sweep delivers what was committed, once."""
    harness.start_worker()
    before = UserFactory(email="vorher@example.org")
    with transaction.atomic():
        notify(kind="system.test", recipient=before, context={}, dedupe_key="outage:before")
    harness.inbox.wait_for(1)  # the path works while Redis is up

    harness.redis.stop()
    # A hang guard, not a speed check: the settings bound one publish by the broker's connect
    # timeout (CELERY_BROKER_CONNECTION_TIMEOUT, 3 s); a call that takes ten times that hangs.
    hang_limit = 10 * settings.CELERY_BROKER_CONNECTION_TIMEOUT
    committed = [UserFactory(email=f"bleibt{n}@example.org") for n in range(5)]
    rolled_back = [UserFactory(email=f"zurueck{n}@example.org") for n in range(5)]
    slowest = 0.0
    for user in committed:
        started = time.monotonic()
        with transaction.atomic():
            notify(kind="system.test", recipient=user, context={}, dedupe_key=f"outage:{user.pk}")
        slowest = max(slowest, time.monotonic() - started)
    for user in rolled_back:
        started = time.monotonic()
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(kind="system.test", recipient=user, context={}, dedupe_key=f"outage:{user.pk}")
            raise RuntimeError("the change that caused the email failed")
        slowest = max(slowest, time.monotonic() - started)
    started = time.monotonic()
    assert sweep() == 0  # nothing could be handed over; no exception either
    slowest = max(slowest, time.monotonic() - started)
    assert slowest < hang_limit, f"publishing hung ({slowest:.1f} s)"  # hang guard
    time.sleep(1)
    assert harness.inbox.count() == 1

    harness.redis.start()
    keys = [f"outage:{user.pk}" for user in committed]
    harness.sweep_until(
        lambda: _statuses(keys)[Status.SENT] == len(keys),
        timeout=60,
        what=lambda: f"the committed rows sent after the outage (now {dict(_statuses(keys))})",
    )
    harness.sweep_for(3)

    received = Counter(message.to for message in harness.inbox.received())
    assert received == Counter([before.email, *(user.email for user in committed)])
    assert not Notification.objects.filter(recipient__in=rolled_back).exists()


def test_451_is_retried_with_growing_backoff_and_550_fails_for_good(harness):
    flaky, unknown = "spaeter@example.org", "unbekannt@example.org"

    def answer(stage: str, address: str, attempt: int) -> str | None:
        if stage == "DATA" and address == flaky and attempt <= 3:
            return "451 4.3.0 Try again later"
        if stage == "RCPT" and address == unknown:
            return "550 5.1.1 User unknown"
        return None

    harness.inbox.answer = answer
    harness.start_worker()
    with transaction.atomic():
        retried = notify(
            kind="system.test",
            recipient=UserFactory(email=flaky),
            context={},
            dedupe_key="smtp:451",
        )
        rejected = notify(
            kind="system.test",
            recipient=UserFactory(email=unknown),
            context={},
            dedupe_key="smtp:550",
        )

    def settled() -> bool:
        retried.refresh_from_db()
        rejected.refresh_from_db()
        return retried.status == Status.SENT and rejected.status == Status.FAILED

    harness.sweep_until(settled, timeout=45, what="451 retried until sent, 550 failed")
    harness.sweep_for(3)  # neither is touched again

    retried.refresh_from_db()
    rejected.refresh_from_db()
    assert (retried.status, retried.attempts) == (Status.SENT, 4)
    assert [m.to for m in harness.inbox.received()] == [flaky]
    tries = harness.inbox.attempts_for("DATA", flaky)
    assert len(tries) == 4
    gaps = [later - earlier for earlier, later in zip(tries, tries[1:], strict=False)]
    print(f"\ngaps between the attempts after 451: {[round(gap, 2) for gap in gaps]} s")
    for n, gap in enumerate(gaps):
        # backoff * 2^n with jitter between half and all of it
        assert gap >= RETRY_BACKOFF_SECONDS * 2**n / 2 - 0.1, gaps
    assert gaps[2] > gaps[0] and gaps[2] >= gaps[1] - 0.2, gaps

    assert rejected.status == Status.FAILED
    assert "550" in rejected.last_error
    assert rejected.attempts == 1
    assert len(harness.inbox.attempts_for("RCPT", unknown)) == 1
    assert harness.inbox.attempts_for("DATA", unknown) == []


def test_switching_off_while_queued_cancels_and_nothing_reaches_the_server(harness):
    """Rows are queued with no worker running; then one person switches an optional kind off,
    another withdraws the digest consent. Those two are cancelled; the others are sent."""
    switched_off, withdrawn, kept_hours, kept_digest = (
        UserFactory(email=f"{name}@example.org")
        for name in ("abgeschaltet", "widerrufen", "stunden", "uebersicht")
    )
    for user in (withdrawn, kept_digest):
        consent_give(user=user, kind="digest")
    hours = {"date": "07.03.2026", "hours": "3", "request_title": "Sprachcafé"}
    hours["dashboard_url"] = "https://example.org/dashboard/"
    digest = {"requests": [], "list_url": "https://example.org/gesuche/"}
    digest["consents_url"] = "https://example.org/einwilligungen/"
    with transaction.atomic():
        rows = {
            user.email: notify(
                kind=kind, recipient=user, context=context, dedupe_key=f"queued:{user.pk}"
            )
            for user, kind, context in (
                (switched_off, "volunteers.hours_confirmed", hours),
                (withdrawn, "volunteers.digest", digest),
                (kept_hours, "volunteers.hours_confirmed", hours),
                (kept_digest, "volunteers.digest", digest),
            )
        }
    preference_set(user=switched_off, kind="volunteers.hours_confirmed", enabled=False)
    consent_withdraw(user=withdrawn, kind="digest")

    harness.start_worker()

    def status(email: str) -> str:
        return Notification.objects.get(pk=rows[email].pk).status

    harness.sweep_until(
        lambda: all(status(email) not in (Status.PENDING, Status.SENDING) for email in rows),
        timeout=45,
        what="every queued row settled",
    )
    harness.sweep_for(2)

    assert {email: status(email) for email in rows} == {
        switched_off.email: Status.CANCELLED,
        withdrawn.email: Status.CANCELLED,
        kept_hours.email: Status.SENT,
        kept_digest.email: Status.SENT,
    }
    assert sorted(m.to for m in harness.inbox.received()) == sorted(
        [kept_hours.email, kept_digest.email]
    )
    assert harness.inbox.attempts_for("RCPT", switched_off.email) == []
    assert harness.inbox.attempts_for("RCPT", withdrawn.email) == []
