"""Parallel transactions on real PostgreSQL: two downloads of the same certificate store one,
and an account deleted while a coordinator accepts the person's offer leaves no phantom
helper on the request."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from tests.conftest import IN_CI, require_service
from tests.factories import MembershipFactory, OrganisationFactory
from tests.volunteers.factories import AssignmentFactory, HelpRequestFactory, HoursEntryFactory
from volunteers.models import Assignment, HelpRequest, VolunteerCertificate
from volunteers.services.assignments import assignment_accept, assignment_offer
from volunteers.services.certificates import certificate_for
from volunteers.services.gdpr import account_delete

from .conftest import contactable_volunteer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql():
    if connection.vendor != "postgresql":
        message = "needs PostgreSQL (set DATABASE_URL=postgres://...)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    settings = connection.settings_dict
    require_service(
        "PostgreSQL", f"postgres://{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    )


def in_parallel(*jobs: Callable[[], object]) -> list[object]:
    """Run the jobs in threads released together; each result or the exception it raised."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index: int, job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each side got
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_parallel_downloads_store_one_certificate():
    volunteer = contactable_volunteer(full_name="Paula Parallel")
    # A Nachweis needs confirmed hours (without them it is refused, not issued).
    HoursEntryFactory(
        assignment=AssignmentFactory(volunteer=volunteer, confirmed=True), confirmed=True
    )

    results = in_parallel(*[lambda: certificate_for(volunteer=volunteer)] * 4)

    assert all(isinstance(r, VolunteerCertificate) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert VolunteerCertificate.objects.filter(volunteer=volunteer).count() == 1


@pytest.mark.parametrize("round_", range(5))
def test_deleting_while_the_offer_is_accepted_leaves_no_phantom_helper(round_):
    organisation = OrganisationFactory()
    coordinator = MembershipFactory(organisation=organisation).user
    request = HelpRequestFactory(organisation=organisation, open=True, helpers_needed=2)
    volunteer = contactable_volunteer()
    offer = assignment_offer(help_request=request, volunteer=volunteer)

    results = in_parallel(
        lambda: assignment_accept(assignment=offer, actor=coordinator),
        lambda: account_delete(user=volunteer, actor=volunteer),
    )

    assert not isinstance(results[1], Exception), results
    request.refresh_from_db()
    confirmed = Assignment.objects.filter(
        help_request=request, status=Assignment.Status.CONFIRMED
    ).count()
    assert request.confirmed_count == confirmed == 0
    assert request.status == HelpRequest.Status.OPEN
