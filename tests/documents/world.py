"""The world of tests/documents/test_every_document.py: the demo district (seed_demo) plus,
made through the services, everything a document or an email is about, with names and titles
that hold markup (`<b>`) and ampersands, so that every kind of email and every kind of PDF
exists at least once with text a person typed.

The demo is enlarged by others over time: nothing here depends on what or how much it holds.
Every kind of email is produced here again with the markup world (the demo's rows are rendered
too, a few per kind).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backend.accounts.services import user_set_totp
from directory.models import REMIND_AFTER, Offer
from directory.services.contacts import contact_person_create
from directory.services.offers import offer_create
from directory.services.reminders import offer_reminders_send
from funding.models import Application
from funding.services import payments, proof, review
from funding.services.applications import application_submit
from notifications.services import notify
from tests.conftest import TOTP_SECRET
from tests.factories import UserFactory, VolunteerFactory
from tests.funding.factories import ApplicationFactory, ProgrammeYearFactory
from volunteers.models import (
    ActivityArea,
    Assignment,
    Consent,
    HelpRequest,
    ReminderRule,
    Town,
    TrainingCertificate,
    VolunteerLanguage,
)
from volunteers.services.assignments import (
    assignment_accept,
    assignment_invite,
    assignment_offer,
)
from volunteers.services.consents import consent_give
from volunteers.services.digest import digest_send
from volunteers.services.expiry_reminders import (
    fuehrungszeugnis_reminders_send,
    request_expiry_reminders_send,
)
from volunteers.services.help_requests import help_request_create, help_request_open
from volunteers.services.hours import hours_confirm, hours_log
from volunteers.services.organisations import coordinator_invite, organisation_register
from volunteers.services.staff import (
    fuehrungszeugnis_record,
    organisation_reject,
    organisation_verify,
)
from volunteers.services.training_certificates import certificates_issue_for_training
from volunteers.services.training_reminders import reminders_send
from volunteers.services.trainings import (
    attendance_mark,
    offer_answer,
    registration_cancel,
    registration_create,
    training_cancel,
    training_create,
    training_publish,
)

# What people typed: every one of these must come out literally (escaped once in HTML, as it is
# in text and PDF), never as markup and never as "&amp;".
ORGANISATION = "Hilfe & <b>Heimat</b> e. V."
ADDRESS = "Am <b>Markt</b> 3 & 4"
COORDINATOR = ("Klara <b>K.</b>", "Koordination & Co")
VOLUNTEER = ("Anna <b>A.</b>", "Beispiel & Partner")
WAITING = ("Wanda", "Warte & Liste")
STAFF = ("Sabine", "Sachbearbeitung")
LEAD = ("Dr. Leonie", "Leitung")
REQUEST = "Begleitung <b>zum Amt</b> & zurück"
TRAINING = "Kurs <b>Sprachmittlung</b> & Praxis"
PAST_TRAINING = "Grundkurs <b>Ehrenamt</b> & Recht"
CANCELLED_TRAINING = "Ausfall <b>Kurs</b> & Co"
APPLICATION = "Treffpunkt <b>Ankommen</b> & Bleiben"
REJECTED = "Plakate <b>bunt</b> & laut"
OFFER = "Sprachcafé <b>offen</b> & frei"
CONTACT = "Bea <b>B.</b> & Co"


def full(name: tuple[str, str]) -> str:
    return f"{name[0]} {name[1]}"


@dataclass
class World:
    towns: dict[str, Town]
    staff: Any
    lead: Any
    coordinator: Any
    volunteer: Any
    organisation: Any
    approved: Application
    rejected: Application
    certificate: TrainingCertificate
    english_volunteer: Any
    facts: dict[str, Any] = field(default_factory=dict)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _volunteer(names, town, *, email, language="de"):
    volunteer = VolunteerFactory(
        first_name=names[0],
        last_name=names[1],
        email=email,
        language=language,
        profile__town=town,
        profile__postal_code=town.postal_codes[0],
    )
    VolunteerLanguage.objects.create(profile=volunteer.volunteer_profile, code="de", level=3)
    consent_give(user=volunteer, kind=Consent.Kind.CONTACT)
    consent_give(user=volunteer, kind=Consent.Kind.DIGEST)
    return volunteer


def build(*, demo: bool = True) -> World:
    if demo:
        call_command("seed_demo")
    else:  # only while developing this module: the reference data without the demo
        from volunteers.services.reference import towns_load_reference

        towns_load_reference()
    towns = {town.name: town for town in Town.objects.all()}
    ahlen = towns["Ahlen"]
    today = timezone.localdate()
    now = timezone.now()

    staff = UserFactory(first_name=STAFF[0], last_name=STAFF[1], ki_staff=True)
    lead = UserFactory(first_name=LEAD[0], last_name=LEAD[1], ki_lead=True)
    for person in (staff, lead):
        user_set_totp(user=person, secret=TOTP_SECRET)

    # --- Organisation: registered (staff are told), verified (the coordinator is told) -------
    coordinator = UserFactory(first_name=COORDINATOR[0], last_name=COORDINATOR[1])
    organisation = organisation_register(
        actor=coordinator,
        name=ORGANISATION,
        kind="verein",
        town=ahlen,
        contact_email="heimat@example.org",
        address=f"{ADDRESS}, 59227 Ahlen",
    )
    organisation_verify(organisation=organisation, actor=staff)
    coordinator_invite(organisation=organisation, email="mitmachen@example.org", actor=coordinator)
    # Another registration is turned down with a reason (the registrant is told why).
    registrant = UserFactory(first_name="Rolf <b>R.</b>", last_name="Register & Co")
    refused = organisation_register(
        actor=registrant,
        name="Doppelt <b>gemeldet</b> & Co",
        kind="initiative",
        town=ahlen,
        contact_email="doppelt@example.org",
    )
    organisation_reject(
        organisation=refused,
        reason="Schon als <b>Teil</b> von „Hilfe & Heimat“ registriert.",
        actor=staff,
    )

    # --- A help request: offered, invited, confirmed, hours confirmed, expiring ---------------
    volunteer = _volunteer(VOLUNTEER, ahlen, email="anna.a@example.org")
    english = _volunteer(
        ("Emma", "English & <i>Co</i>"), ahlen, email="emma@example.org", language="en"
    )
    help_request = help_request_create(
        organisation=organisation,
        actor=coordinator,
        data={
            "title": REQUEST,
            "description": "Wir begleiten Familien <b>zu Ämtern</b> & Ärzten.",
            "activity_area": ActivityArea.objects.order_by("pk").first(),
            "town": ahlen,
            "place": "Rathaus <b>Ahlen</b> & Umgebung",
            "address": "Westenmauer 10, 59227 Ahlen",
            "schedule": HelpRequest.Schedule.ONCE,
            "starts_at": _at(today + dt.timedelta(days=12), 9),
            "helpers_needed": 3,
            "open_until": today + dt.timedelta(days=30),
        },
    )
    help_request_open(help_request=help_request, actor=coordinator)
    assignment_offer(help_request=help_request, volunteer=english, message="Gern & <b>bald</b>")
    assignment = assignment_invite(
        help_request=help_request,
        volunteer=volunteer,
        actor=coordinator,
        message="Passt es <b>Dienstag</b> & Mittwoch?",
    )
    assignment = assignment_accept(assignment=assignment, actor=volunteer)
    # Hours count from the appointment on (and not before the confirmation): as if the
    # appointment had been three days ago and the invitation accepted a week before it.
    HelpRequest.objects.filter(pk=help_request.pk).update(
        starts_at=_at(today - dt.timedelta(days=3), 9)
    )
    Assignment.objects.filter(pk=assignment.pk).update(
        confirmed_at=timezone.now() - dt.timedelta(days=10)
    )
    assignment.refresh_from_db()
    entry = hours_log(
        assignment=assignment,
        actor=volunteer,
        date=today - dt.timedelta(days=3),
        hours=Decimal("3.5"),
        note="Termin <b>Ausländerbehörde</b> & Jobcenter",
    )
    hours_confirm(entry=entry, actor=coordinator)
    request_expiry_reminders_send(today=help_request.open_until - dt.timedelta(days=2))
    # The weekly digest lists requests opened this week that nobody of its reader has touched.
    homework = help_request_create(
        organisation=organisation,
        actor=coordinator,
        data={
            "title": "Hausaufgaben <b>Hilfe</b> & Spiel",
            "description": "Nachmittags im Gemeindehaus.",
            "activity_area": ActivityArea.objects.order_by("pk").first(),
            "town": ahlen,
            "schedule": HelpRequest.Schedule.FLEXIBLE,
            "helpers_needed": 2,
            "open_until": today + dt.timedelta(days=40),
        },
    )
    help_request_open(help_request=homework, actor=coordinator)
    digest_send(user=english)
    digest_send(user=volunteer)

    # --- Führungszeugnis running out --------------------------------------------------------
    issued = today - dt.timedelta(days=365 * 5 - 30)
    fuehrungszeugnis_record(
        volunteer=volunteer, certificate_date=issued, seen_on=issued, actor=staff, today=issued
    )
    fuehrungszeugnis_reminders_send(today=today)

    # --- Trainings: registered, waiting list, seat offered, reminder, cancelled, certificate --
    days = [today + dt.timedelta(days=20)]
    upcoming = training_create(
        actor=staff,
        data=_training_data(TRAINING, capacity=1, first=_at(days[0], 10)),
        sessions=[(_at(day, 10), _at(day, 14)) for day in days],
    )
    training_publish(training=upcoming, actor=staff)
    seat = registration_create(training=upcoming, volunteer=volunteer)
    waiting = _volunteer(WAITING, ahlen, email="wanda@example.org")
    registration_create(training=upcoming, volunteer=waiting)
    registration_create(training=upcoming, volunteer=english)
    registration_cancel(registration=seat, actor=volunteer)  # the seat is offered to Wanda
    offered = upcoming.registrations.get(volunteer=waiting)
    offer_answer(registration=offered, answer="confirm", actor=waiting)
    ReminderRule.objects.get_or_create(training=upcoming, days_before=2)
    reminders_send(now=upcoming.first_starts_at - dt.timedelta(days=1))

    cancelled = training_create(
        actor=staff,
        data=_training_data(CANCELLED_TRAINING, capacity=5, first=_at(days[0], 10)),
        sessions=[(_at(days[0], 10), _at(days[0], 12))],
    )
    training_publish(training=cancelled, actor=staff)
    registration_create(training=cancelled, volunteer=volunteer)
    training_cancel(
        training=cancelled, actor=staff, reason="Die Referentin ist <b>krank</b> & fällt aus."
    )

    past_days = [today - dt.timedelta(days=21), today - dt.timedelta(days=14)]
    first = _at(past_days[0], 10)
    past = training_create(
        actor=staff,
        data=_training_data(PAST_TRAINING, capacity=5, first=first),
        sessions=[(_at(day, 10), _at(day, 14)) for day in past_days],
    )
    training_publish(training=past, actor=staff)
    registrations = [
        registration_create(
            training=past, volunteer=person, now=first - dt.timedelta(days=29, minutes=-n)
        )
        for n, person in enumerate((volunteer, english))
    ]
    for registration in registrations:
        for session in past.sessions.all():
            attendance_mark(session=session, registration=registration, present=True, actor=staff)
    certificates_issue_for_training(training=past, actor=staff)
    certificate = TrainingCertificate.objects.get(registration=registrations[0])

    # --- Funding: submitted, changes requested, resubmitted, proposed, signed, paid, proof ----
    year = ProgrammeYearFactory()
    application = ApplicationFactory(
        organisation=organisation,
        programme_year=year,
        town=ahlen,
        title=APPLICATION,
        description="Ein Treffpunkt für <b>Neuankommende</b> & Nachbarn.",
        requested_amount=Decimal("1234.50"),
        own_contribution=Decimal("0"),
        cost_lines=[("fees", "Honorar <b>Moderation</b> & Material", "1234.50")],
        coordinator=False,
        created_by=coordinator,
    )
    application_submit(application=application, actor=coordinator)
    review.application_request_changes(
        application=application, message="Bitte <b>Zeitplan</b> & Orte ergänzen.", actor=staff
    )
    application_submit(application=application, actor=coordinator)
    review.decision_propose(
        application=application,
        decision="approve",
        amount=Decimal("1234.50"),
        conditions="Auflage: <b>Belege</b> & Listen aufbewahren.",
        actor=staff,
    )
    review.decision_sign(application=application, actor=lead)
    application.refresh_from_db()
    payment = payments.payment_request(
        application=application,
        amount=Decimal("500"),
        actor=coordinator,
        note="1. <b>Rate</b> & mehr",
    )
    payments.payment_mark_paid(payment=payment, actor=staff)
    proof.proof_reminders_send(today=application.proof_due_on - dt.timedelta(days=5))
    lines = {line.pk: line.amount for line in application.cost_lines.all()}
    proof.proof_submit(
        application=application,
        report="Bericht: <b>gut</b> & erfolgreich.",
        actual_amounts=lines,
        actor=coordinator,
        today=application.proof_due_on - dt.timedelta(days=1),
    )
    proof.proof_return(
        application=application, message="Bitte <b>Belege</b> & Liste nachreichen.", actor=staff
    )
    proof.proof_submit(
        application=application,
        report="Bericht: <b>gut</b> & vollständig.",
        actual_amounts=lines,
        actor=coordinator,
        today=application.proof_due_on - dt.timedelta(days=1),
    )
    proof.application_close(
        application=application,
        actor=staff,
        repayment=Decimal("0"),
        note="Alles <b>in</b> Ordnung.",
    )
    application.refresh_from_db()

    rejected = ApplicationFactory(
        organisation=organisation,
        programme_year=year,
        block=year.blocks.get(code="C"),
        town=ahlen,
        title=REJECTED,
        requested_amount=Decimal("800"),
        own_contribution=Decimal("0"),
        cost_lines=[("publicity", "Druck <b>Plakate</b> & Flyer", "800")],
        coordinator=False,
        created_by=coordinator,
    )
    application_submit(application=rejected, actor=coordinator)
    review.decision_propose(
        application=rejected,
        decision="reject",
        reasons="Reine <b>Druckkosten</b> & Porto sind nicht förderfähig.",
        actor=staff,
    )
    review.decision_sign(application=rejected, actor=lead)
    rejected.refresh_from_db()

    # --- Directory: an offer not confirmed for months, a published contact person -----------
    offer = offer_create(
        actor=coordinator,
        organisation=organisation,
        town=ahlen,
        data={
            "title": OFFER,
            "kind": Offer.Kind.SPRACHCAFE,
            "description": "Deutsch üben bei <b>Kaffee</b> & Kuchen.",
            "place": "Marktplatz 1",
            "weekday": Offer.Weekday.TUESDAY,
            "starts_at": dt.time(16, 0),
            "ends_at": dt.time(18, 0),
            "target_group": "Alle",
            "free_of_charge": True,
            "contact_email": "cafe@example.org",
            "languages": ["de"],
        },
    )
    offer_reminders_send(now=offer.confirmed_at + REMIND_AFTER + dt.timedelta(days=1))
    contact_person_create(
        actor=coordinator,
        organisation=organisation,
        data={
            "name": CONTACT,
            "function": "Leitung <b>Sprachcafé</b> & Beratung",
            "email": "bea@example.org",
            "consent": True,
        },
    )

    # --- Account emails, as allauth sends them ----------------------------------------------
    _account_emails(volunteer)

    # --- The test email of the outbox page (what its button does) ---------------------------
    notify(
        kind="system.test",
        recipient=staff,
        context={"requested_at": now.isoformat()},
        dedupe_key=f"system.test:{staff.pk}:{now.timestamp()}",
    )

    return World(
        towns=towns,
        staff=staff,
        lead=lead,
        coordinator=coordinator,
        volunteer=volunteer,
        organisation=organisation,
        approved=application,
        rejected=rejected,
        certificate=certificate,
        english_volunteer=english,
        facts={"help_request": help_request, "offer": offer, "upcoming": upcoming},
    )


def _training_data(title: str, *, capacity: int, first: dt.datetime) -> dict[str, Any]:
    return {
        "title": title,
        "description": "Mit <b>Übungen</b> & Pausen.",
        "place": "Kreishaus <b>Warendorf</b> & Raum 101",
        "capacity": capacity,
        "registration_opens_at": first - dt.timedelta(days=30),
        "registration_closes_at": first - dt.timedelta(days=2),
        "cancellation_deadline": first - dt.timedelta(days=3),
        "language": "de",
        "target_group": "Ehrenamtliche",
        "hours_credited": Decimal(8),
    }


def _account_emails(volunteer) -> None:
    """Sign-up (new address and one that has an account), password reset (known and unknown
    address), a second address added to an account: what allauth emails through the outbox."""
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    password = "ein-sicheres-passwort-2026"
    for email in (
        "neu.<b>x</b>@example.org".replace("<b>", "").replace("</b>", ""),
        volunteer.email,
    ):
        client.post(
            reverse("account_signup"),
            {
                "first_name": "Nora <b>N.</b>",
                "last_name": "Neu & Co",
                "email": email,
                "password1": password,
                "password2": password,
            },
        )
    Client().post(reverse("account_reset_password"), {"email": volunteer.email})
    Client().post(reverse("account_reset_password"), {"email": "niemand@example.org"})
    member = Client()
    member.force_login(volunteer)
    member.post(reverse("account_email"), {"action_add": "", "email": "zweite@example.org"})
