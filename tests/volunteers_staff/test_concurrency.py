"""Staff acting at the same moment, on real PostgreSQL with parallel transactions (skipped on
SQLite locally, failing in CI): an organisation is verified once, a Führungszeugnis record is
written one after the other, never twice."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from backend.accounts.services import user_set_totp
from backend.models import StatusChange
from notifications.models import Notification
from tests.conftest import TOTP_SECRET
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.volunteers.conftest import postgresql  # noqa: F401  (fixture)
from tests.volunteers.test_concurrency import run_in_parallel, summary
from volunteers.models import FuehrungszeugnisRecord, Organisation
from volunteers.services.staff import fuehrungszeugnis_record, organisation_verify

from .conftest import make_volunteer

PARALLEL = 8


def staff_members(n: int) -> list:
    people = UserFactory.create_batch(n, ki_staff=True)
    for person in people:
        user_set_totp(user=person, secret=TOTP_SECRET)
    return people


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_staff_verifying_at_once_verify_once(postgresql):  # noqa: F811
    organisation = OrganisationFactory(unverified=True)
    coordinators = [MembershipFactory(organisation=organisation).user for _ in range(2)]
    people = staff_members(PARALLEL)

    outcomes = run_in_parallel(
        [
            partial(
                organisation_verify,
                organisation=Organisation.objects.get(pk=organisation.pk),
                actor=person,
            )
            for person in people
        ]
    )

    assert summary(outcomes) == {"ok": 1, "ConflictError": PARALLEL - 1}
    winner = people[outcomes.index("ok")]
    organisation.refresh_from_db()
    assert organisation.verified_by == winner
    audit = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Organisation), object_id=organisation.pk
    )
    assert list(audit.values_list("from_status", "to_status", "actor")) == [
        ("pending", "verified", winner.pk)
    ]
    told = Notification.objects.filter(kind="volunteers.organisation_verified")
    assert sorted(told.values_list("recipient", flat=True)) == sorted(c.pk for c in coordinators)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_staff_recording_at_once_replace_one_after_the_other(postgresql):  # noqa: F811
    volunteer = make_volunteer("Amal")
    people = staff_members(PARALLEL)
    today = timezone.localdate()

    outcomes = run_in_parallel(
        [
            partial(
                fuehrungszeugnis_record,
                volunteer=type(volunteer).objects.get(pk=volunteer.pk),
                certificate_date=today - dt.timedelta(days=10 + i),
                seen_on=today,
                actor=person,
            )
            for i, person in enumerate(people)
        ]
    )

    assert summary(outcomes) == {"ok": PARALLEL}
    record = FuehrungszeugnisRecord.objects.get(volunteer=volunteer)
    audit = list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(FuehrungszeugnisRecord),
            object_id=record.pk,
        ).order_by("at", "pk")
    )
    assert [(row.from_status, row.to_status) for row in audit] == [("none", "valid")] + [
        ("valid", "valid")
    ] * (PARALLEL - 1)
    assert audit[-1].actor_id == record.recorded_by_id
