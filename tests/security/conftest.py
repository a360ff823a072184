"""The world the access matrix runs in: one account per role and objects owned by each.

Every object is owned by someone, so each row of tests/security/access_matrix.py can point at
"something that belongs to someone else". Later issues add their objects here (one attribute
on World, built in `world`) and refer to them from their rows.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from backend.accounts.services import user_set_totp
from directory.models import MunicipalAccess
from notifications.models import Notification
from notifications.services import notify
from tests.conftest import TOTP_SECRET, clean_environ, module_transaction, settings_of
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    TownFactory,
    UserFactory,
    VolunteerFactory,
)
from tests.pdf import tiny_pdf
from volunteers.models import Organisation, Town

from .access_matrix import ROLES


@dataclass
class World:
    """Accounts by role (None for anonymous) and the objects they own."""

    users: dict[str, Any]
    town: Town  # Ahlen, public reference data
    org_x: Organisation  # verified; coordinator X is a member
    org_y: Organisation  # verified; coordinator Y is a member
    org_y_pending: Organisation  # not yet verified by the KI; coordinator Y is a member
    notification_b: Notification  # an email to volunteer B in the outbox
    extra: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        # Accounts by role name: world.volunteer_b, world.coordinator_x, ...
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        extra = self.__dict__.get("extra", {})
        if name in extra:
            return extra[name]
        raise AttributeError(name)


def _staff(**traits) -> Any:
    user = UserFactory(**traits)
    user_set_totp(user=user, secret=TOTP_SECRET)
    return user


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The world is built once per test module (about a second's worth of services)."""
    with module_transaction(django_db_blocker):
        yield _build_world()


@pytest.fixture
def world(_world, db) -> World:
    """The world as built: each test changes it in a savepoint that is rolled back, and gets
    its own copy of the Python objects."""
    return copy.deepcopy(_world)


def _build_world() -> World:
    town = TownFactory(name="Ahlen")
    telgte = TownFactory(name="Telgte", postal_codes=["48291"])
    org_x = OrganisationFactory(name="Flüchtlingshilfe X", town=town)
    org_y = OrganisationFactory(name="Begegnungscafé Y", town=telgte)
    org_y_pending = OrganisationFactory(name="Helferkreis Y", town=telgte, unverified=True)
    coordinator_x = UserFactory(full_name="Koordination X")
    coordinator_y = UserFactory(full_name="Koordination Y")
    MembershipFactory(user=coordinator_x, organisation=org_x)
    MembershipFactory(user=coordinator_y, organisation=org_y)
    MembershipFactory(user=coordinator_y, organisation=org_y_pending)
    users = {
        "anonymous": None,
        "volunteer_a": VolunteerFactory(full_name="Volunteer A"),
        "volunteer_b": VolunteerFactory(full_name="Volunteer B"),
        "coordinator_x": coordinator_x,
        "coordinator_y": coordinator_y,
        "ki_staff": _staff(ki_staff=True, full_name="KI Staff"),
        "ki_lead": _staff(ki_lead=True, full_name="KI Lead"),
        "admin": _staff(admin=True, full_name="Admin"),
        "ki_staff_without_mfa": UserFactory(ki_staff=True, full_name="KI Staff ohne 2FA"),
        # A town administration's account: the figures of world.town, nothing personal.
        "municipal": UserFactory(role="municipal", full_name="Kommune"),
    }
    MunicipalAccess.objects.create(user=users["municipal"], town=town)
    assert set(users) == set(ROLES), "the world needs exactly one account per role"
    notification_b = notify(
        kind="system.test", recipient=users["volunteer_b"], dedupe_key="world:volunteer-b"
    )
    extra = _volunteering(users, town=town, telgte=telgte, org_x=org_x, org_y=org_y)
    extra.update(_notifications(users))
    extra.update(_trainings(users))
    extra.update(_funding(users, town=town, org_x=org_x))
    return World(
        extra=extra,
        users=users,
        town=town,
        org_x=org_x,
        org_y=org_y,
        org_y_pending=org_y_pending,
        notification_b=notification_b,
    )


def production_settings(*names: str) -> dict[str, Any]:
    """The values of settings `names` as backend.settings.production computes them from a
    realistic environment (tests/test_production_settings.py), read in a fresh process."""
    from tests.test_production_settings import REALISTIC_ENV

    return settings_of(clean_environ(**REALISTIC_ENV), *names)


def _notifications(users) -> dict:
    """An in-app notification of volunteer B and an email that failed."""
    in_app_b = notify(
        kind="volunteers.hours_confirmed",
        recipient=users["volunteer_b"],
        dedupe_key="world:volunteer-b:hours",
        context={
            "hours": "2",
            "date": "01.02.2026",
            "request_title": "Begleitung",
            "dashboard_url": settings.SITE_URL + reverse("volunteers:dashboard"),
        },
    )
    failed = notify(kind="system.test", recipient=users["volunteer_a"], dedupe_key="world:failed")
    Notification.objects.filter(pk=failed.pk).update(
        status=Notification.Status.FAILED, last_error="SMTPRecipientsRefused: 550"
    )
    return {"notification_b_in_app": in_app_b, "notification_failed": failed}


def _volunteering(users, *, town, telgte, org_x, org_y) -> dict[str, Any]:
    """Help requests and assignments: an open request of X to which volunteer B is invited,
    and a draft of Y that only Y (and KI staff) may see."""
    import datetime as dt

    from django.utils import timezone

    from volunteers.models import ActivityArea, Assignment, HelpRequest, HoursEntry
    from volunteers.services.assignments import answer_token

    area = ActivityArea.objects.create(
        slug="begleitung", name_de="Begleitung", name_en="Accompanying"
    )
    open_until = timezone.localdate() + dt.timedelta(days=30)
    request_x = HelpRequest.objects.create(
        organisation=org_x,
        title="Begleitung zum Amt",
        description="Dienstags",
        town=town,
        activity_area=area,
        helpers_needed=2,
        open_until=open_until,
        status=HelpRequest.Status.OPEN,
        address="Marktplatz 1, Ahlen",
    )
    request_y_draft = HelpRequest.objects.create(
        organisation=org_y,
        title="Entwurf Y",
        description="noch nicht fertig",
        town=telgte,
        activity_area=area,
        open_until=open_until,
    )
    assignment_b = Assignment.objects.create(
        help_request=request_x,
        volunteer=users["volunteer_b"],
        status=Assignment.Status.INVITED,
        invited_by=users["coordinator_x"],
    )
    # Volunteer A helped Y last month on a request that is closed now: confirmed hours, so A
    # has an Ehrenamtsnachweis to get (an account without confirmed hours is refused with 409).
    request_y_closed = HelpRequest.objects.create(
        organisation=org_y,
        title="Umzugshilfe",
        description="erledigt",
        town=telgte,
        activity_area=area,
        open_until=timezone.localdate() - dt.timedelta(days=20),
        status=HelpRequest.Status.CLOSED,
    )
    assignment_a = Assignment.objects.create(
        help_request=request_y_closed,
        volunteer=users["volunteer_a"],
        status=Assignment.Status.CONFIRMED,
        invited_by=users["coordinator_y"],
        confirmed_at=timezone.now() - dt.timedelta(days=40),
    )
    HoursEntry.objects.create(
        assignment=assignment_a,
        date=timezone.localdate() - dt.timedelta(days=30),
        hours=3,
        status=HoursEntry.Status.CONFIRMED,
        reviewed_by=users["coordinator_y"],
        reviewed_at=timezone.now() - dt.timedelta(days=29),
    )
    return {
        "area": area,
        "request_x": request_x,
        "request_y_draft": request_y_draft,
        "assignment_b": assignment_b,
        "answer_token_b": answer_token(assignment_b, "accept"),
    }


def _trainings(users) -> dict[str, Any]:
    """A published training with one session where volunteer B has a seat, and a draft."""
    from tests.trainings.factories import RegistrationFactory, TrainingFactory
    from volunteers.models import Training

    training = TrainingFactory(title="Sprachmittlung Grundkurs", capacity=10)
    registration_b = RegistrationFactory(training=training, volunteer=users["volunteer_b"])
    Training.objects.filter(pk=training.pk).update(seats_taken=1)
    from volunteers.models import CertificateJob, TrainingCertificate

    certificate_b = TrainingCertificate.objects.create(
        registration=registration_b,
        holder_name="Volunteer B",
        training_title=training.title,
        training_dates="1. März 2027",
        hours=6,
    )
    return {
        "training": training,
        "training_draft": TrainingFactory(title="Entwurf", status=Training.Status.DRAFT),
        "session": training.sessions.get(),
        "registration_b": registration_b,
        "certificate_b": certificate_b,
        "certificate_job": CertificateJob.objects.create(training=training, total=1),
    }


# A stand-in for a decision letter: rendering real ones (about a second each) for every row's
# world would slow the matrix down; tests/funding_api checks the real letter.
FUNDING_LETTER_PDF = b"%PDF-1.4\n% stand-in letter\n%%EOF\n"


def _funding(users, *, town, org_x) -> dict[str, Any]:
    """Funding cases of organisation X (coordinator X), one per stage a row needs, built
    through the services: next year's open call with a complete draft (with an annex), a
    submitted case (with an annex), a case whose approval KI staff proposed; last year's
    call with an approved case (letter, a requested payment; its project has ended, so its
    proof of use can be submitted) and one whose proof of use was submitted."""
    import datetime as dt
    from unittest import mock

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from funding.services import payments, proof, review
    from funding.services.applications import application_submit
    from funding.services.attachments import attachment_add
    from tests.funding.factories import ApplicationFactory, ProgrammeYearFactory

    coordinator = users["coordinator_x"]

    def annex(application):
        return attachment_add(
            application=application,
            file=SimpleUploadedFile("Anlage.pdf", tiny_pdf()),
            filename="Anlage.pdf",
            purpose="application",
            actor=coordinator,
        )

    def case(year, **fields):
        return ApplicationFactory(organisation=org_x, programme_year=year, town=town, **fields)

    programme_year = ProgrammeYearFactory()
    draft = case(programme_year, title="Sprachcafé (Entwurf)")
    submitted = case(programme_year, title="Nähcafé (eingereicht)")
    submitted_annex = annex(submitted)
    application_submit(application=submitted, actor=coordinator)
    proposed = case(programme_year, title="Fahrradwerkstatt (vorgeschlagen)")
    application_submit(application=proposed, actor=coordinator)
    review.decision_propose(
        application=proposed,
        decision="approve",
        amount=proposed.requested_amount,
        actor=users["ki_staff"],
    )

    past = timezone.localdate().year - 1
    past_year = ProgrammeYearFactory(
        year=past, call_opens_on=dt.date(past, 1, 1), call_closes_on=dt.date(past, 3, 31)
    )
    period = {"starts_on": dt.date(past, 2, 1), "ends_on": dt.date(past, 10, 31)}
    approved = case(past_year, title="Begegnungsfest (bewilligt)", **period)
    in_proof = case(past_year, title="Hausaufgabenhilfe (Nachweis)", **period)
    with mock.patch("funding.services.letters.letter_render", return_value=FUNDING_LETTER_PDF):
        for application in (approved, in_proof):
            application_submit(
                application=application, actor=coordinator, today=dt.date(past, 1, 15)
            )
            review.decision_propose(
                application=application,
                decision="approve",
                amount=application.requested_amount,
                actor=users["ki_staff"],
            )
            review.decision_sign(application=application, actor=users["ki_lead"])
    payment = payments.payment_request(
        application=approved, amount=approved.requested_amount / 3, actor=coordinator
    )
    proof.proof_submit(
        application=in_proof,
        report="Zwölf Nachmittage mit je zehn Kindern.",
        actual_amounts={line.pk: line.amount for line in in_proof.cost_lines.all()},
        actor=coordinator,
    )
    return {
        "programme_year": programme_year,
        "funding_draft": draft,
        "funding_annex": annex(draft),
        "funding_submitted": submitted,
        "funding_submitted_annex": submitted_annex,
        "funding_proposed": proposed,
        "funding_approved": approved,
        "funding_payment": payment,
        "funding_in_proof": in_proof,
    }
