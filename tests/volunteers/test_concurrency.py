"""Helper places under real parallel transactions.

The parallel tests run on PostgreSQL only (skipped on SQLite locally, failing in CI when the
database is not PostgreSQL): each thread has its own connection and transaction, and a barrier
releases them together, so row locks are what keeps the count right, not luck or a test
transaction around everything."""

import threading
import time
from collections import Counter
from collections.abc import Callable
from functools import partial

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction

from backend.errors import CapacityExceeded
from backend.models import StatusChange
from notifications.models import Notification
from tests.conftest import effort
from tests.factories import MembershipFactory, OrganisationFactory, VolunteerFactory
from volunteers.models import Assignment, Consent, HelpRequest
from volunteers.services.assignments import (
    assignment_accept,
    assignment_invite,
    assignment_withdraw,
)
from volunteers.services.consents import consent_give

from .conftest import contactable_volunteer
from .factories import AssignmentFactory, HelpRequestFactory

REPETITIONS = effort(ci=20, local=5)
VOLUNTEERS = 30
PLACES = 5


def run_in_parallel(calls: list[Callable[[], object]]) -> list[object]:
    """Run each call in its own thread and database connection, all released at once.

    Returns per call "ok" or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            connection.ensure_connection()  # connect before the start, not during the race
            barrier.wait(timeout=30)
            call()
            outcomes[index] = "ok"
        except Exception as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hangs (deadlock?)"
    return outcomes


def summary(outcomes: list[object]) -> Counter:
    return Counter(o if o == "ok" else type(o).__name__ for o in outcomes)


def transitions(obj) -> list[tuple[str, str]]:
    return list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).values_list("from_status", "to_status")
    )


@pytest.fixture
def coordinator(db):
    return MembershipFactory(organisation=OrganisationFactory()).user


def invitations(request: HelpRequest, volunteers) -> list[Assignment]:
    return [AssignmentFactory(help_request=request, volunteer=v, invited=True) for v in volunteers]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_thirty_volunteers_accepting_five_places_at_once_get_exactly_five(postgresql, coordinator):
    organisation = coordinator.memberships.get().organisation
    volunteers = VolunteerFactory.create_batch(VOLUNTEERS)
    per_repetition = []
    for repetition in range(REPETITIONS):
        request = HelpRequestFactory(organisation=organisation, open=True, helpers_needed=PLACES)
        invited = invitations(request, volunteers)

        outcomes = run_in_parallel(
            [partial(assignment_accept, assignment=a, actor=a.volunteer) for a in invited]
        )

        request.refresh_from_db()
        confirmed = Assignment.objects.filter(
            help_request=request, status=Assignment.Status.CONFIRMED
        )
        told = Notification.objects.filter(
            kind="volunteers.assignment_confirmed",
            dedupe_key__in=[f"assignment-confirmed:{a.pk}" for a in invited],
        )
        per_repetition.append(
            (
                repetition,
                summary(outcomes),
                confirmed.count(),
                request.confirmed_count,
                request.status,
                transitions(request),
                told.count(),
            )
        )
    expected = [
        (
            repetition,
            Counter({"CapacityExceeded": VOLUNTEERS - PLACES, "ok": PLACES}),
            PLACES,
            PLACES,
            HelpRequest.Status.FILLED,
            [("open", "filled")],
            PLACES,
        )
        for repetition in range(REPETITIONS)
    ]
    assert per_repetition == expected


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_freed_place_goes_to_exactly_one_of_the_waiting_volunteers(postgresql, coordinator):
    organisation = coordinator.memberships.get().organisation
    request = HelpRequestFactory(organisation=organisation, open=True, helpers_needed=PLACES)
    invited = invitations(request, VolunteerFactory.create_batch(VOLUNTEERS))
    first, waiting = invited[:PLACES], invited[PLACES:]
    for assignment in first:
        assignment_accept(assignment=assignment, actor=assignment.volunteer)

    assignment_withdraw(assignment=first[0], actor=first[0].volunteer)
    outcomes = run_in_parallel(
        [partial(assignment_accept, assignment=a, actor=a.volunteer) for a in waiting]
    )

    request.refresh_from_db()
    assert summary(outcomes) == {"ok": 1, "CapacityExceeded": len(waiting) - 1}
    assert (request.confirmed_count, request.status) == (PLACES, HelpRequest.Status.FILLED)
    assert (
        Assignment.objects.filter(help_request=request, status=Assignment.Status.CONFIRMED).count()
        == PLACES
    )


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_withdrawing_twice_at_once_frees_the_place_once(postgresql, coordinator):
    """A double click on "Einsatz beenden" (or volunteer and coordinator at the same moment)."""
    organisation = coordinator.memberships.get().organisation
    request = HelpRequestFactory(organisation=organisation, open=True, helpers_needed=PLACES)
    invited = invitations(request, VolunteerFactory.create_batch(PLACES))
    for assignment in invited:
        assignment_accept(assignment=assignment, actor=assignment.volunteer)
    leaving = invited[0]

    outcomes = run_in_parallel(
        [partial(assignment_withdraw, assignment=leaving, actor=leaving.volunteer)] * 5
        + [partial(assignment_withdraw, assignment=leaving, actor=coordinator)] * 5
    )

    request.refresh_from_db()
    assert summary(outcomes) == {"ok": 1, "InvalidTransition": 9}
    assert (request.confirmed_count, request.status) == (PLACES - 1, HelpRequest.Status.OPEN)


@pytest.mark.django_db(transaction=True)
def test_withdrawal_reopens_the_request_and_the_next_accept_fills_it(coordinator):
    """Sequential; runs on SQLite too."""
    organisation = coordinator.memberships.get().organisation
    request = HelpRequestFactory(organisation=organisation, open=True, helpers_needed=PLACES)
    helpers = [contactable_volunteer() for _ in range(PLACES + 1)]
    invited = [
        assignment_invite(help_request=request, volunteer=h, actor=coordinator) for h in helpers
    ]
    for assignment in invited[:PLACES]:
        assignment_accept(assignment=assignment, actor=assignment.volunteer)
    request.refresh_from_db()
    assert (request.confirmed_count, request.status) == (PLACES, HelpRequest.Status.FILLED)
    last = invited[PLACES]
    with pytest.raises(CapacityExceeded):
        assignment_accept(assignment=last, actor=last.volunteer)

    leaving = invited[0]
    assignment_withdraw(assignment=leaving, actor=leaving.volunteer, note="krank")
    request.refresh_from_db()
    assert (request.confirmed_count, request.status) == (PLACES - 1, HelpRequest.Status.OPEN)

    assignment_accept(assignment=last, actor=last.volunteer)
    request.refresh_from_db()
    assert (request.confirmed_count, request.status) == (PLACES, HelpRequest.Status.FILLED)
    assert transitions(request) == [("open", "filled"), ("filled", "open"), ("open", "filled")]


@pytest.mark.django_db(transaction=True)
def test_database_refuses_more_confirmed_helpers_than_needed():
    """The backstop behind the lock: a CHECK constraint, whatever code writes the row.
    Runs on SQLite too (it enforces CHECK constraints as well)."""
    request = HelpRequestFactory(open=True, helpers_needed=PLACES, confirmed_count=PLACES)
    table = connection.ops.quote_name(HelpRequest._meta.db_table)
    statements = [
        f"UPDATE {table} SET confirmed_count = helpers_needed + 1 WHERE id = %s",
        f"UPDATE {table} SET helpers_needed = confirmed_count - 1 WHERE id = %s",
    ]
    for sql in statements:
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [request.pk])
    request.refresh_from_db()
    assert (request.helpers_needed, request.confirmed_count) == (PLACES, PLACES)


def _wait_for_a_blocked_backend(timeout: float = 10) -> bool:
    """Whether another connection to this database now waits for a lock."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_giving_a_consent_twice_at_once_is_a_no_op(postgresql):
    """Deterministic: the first submission holds its transaction open until the second one
    is waiting for a lock, then commits."""
    volunteer = VolunteerFactory()
    first_inside, second_waiting = threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                consent_give(user=volunteer, kind=Consent.Kind.CONTACT)
                first_inside.set()
                second_waiting.wait(timeout=15)
            outcomes["first"] = "ok"
        except Exception as exc:
            outcomes["first"] = exc
        finally:
            first_inside.set()
            connection.close()

    def second() -> None:
        try:
            first_inside.wait(timeout=15)
            consent_give(user=volunteer, kind=Consent.Kind.CONTACT)
            outcomes["second"] = "ok"
        except Exception as exc:
            outcomes["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_inside.wait(timeout=15)
    blocked = _wait_for_a_blocked_backend()
    second_waiting.set()
    for thread in threads:
        thread.join(timeout=30)

    assert blocked, "the second submission never waited for the first"
    assert outcomes == {"first": "ok", "second": "ok"}
    assert Consent.objects.filter(user=volunteer, withdrawn_at__isnull=True).count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_parallel_invitations_never_exceed_the_weekly_budget(postgresql, coordinator, settings):
    """Ten organisations' requests invite the same volunteer in the same second: exactly the
    weekly budget of invitations goes out, the rest are refused, every time."""
    organisation = coordinator.memberships.get().organisation
    budget = settings.MATCHING_WEEKLY_INVITATIONS
    per_repetition = []
    for _repetition in range(5):
        volunteer = contactable_volunteer()
        requests = [HelpRequestFactory(organisation=organisation, open=True) for _ in range(10)]
        outcomes = run_in_parallel(
            [
                partial(assignment_invite, help_request=r, volunteer=volunteer, actor=coordinator)
                for r in requests
            ]
        )
        invited = Assignment.objects.filter(volunteer=volunteer, status=Assignment.Status.INVITED)
        per_repetition.append((summary(outcomes), invited.count()))
    expected = Counter({"ok": budget, "CapacityExceeded": 10 - budget})
    assert per_repetition == [(expected, budget)] * 5
