"""Demo data for the local run: towns, organisations, one account per role, help requests,
trainings (one with free seats, one full with a waiting list, one past with attendance and
certificates) and funding cases in every stage (funding/demo.py).

Idempotent: running it again updates the same rows. Refuses to run with production settings.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.services import user_create_verified, user_set_totp
from directory.demo import seed_directory
from funding.demo import seed_funding
from volunteers.models import (
    ActivityArea,
    HelpRequest,
    LanguageLevel,
    Membership,
    Organisation,
    Qualification,
    Registration,
    Town,
    Training,
    VolunteerLanguage,
    VolunteerProfile,
    slot_bit,
)
from volunteers.services.assignments import assignment_accept, assignment_invite
from volunteers.services.consents import consent_give
from volunteers.services.help_requests import help_request_create, help_request_open
from volunteers.services.hours import hours_log
from volunteers.services.reference import towns_load_reference
from volunteers.services.training_certificates import certificates_issue_for_training
from volunteers.services.trainings import (
    ACTIVE,
    attendance_mark,
    registration_create,
    training_create,
    training_publish,
)

ORGANISATIONS = [
    # (name, kind, town, verified)
    ("Flüchtlingshilfe Ahlen e. V.", Organisation.Kind.VEREIN, "Ahlen", True),
    ("Begegnungscafé Telgte", Organisation.Kind.INITIATIVE, "Telgte", True),
    ("Deutsch-Syrischer Kulturverein Beckum", Organisation.Kind.MIGRANT_ORG, "Beckum", True),
    ("Ev. Kirchengemeinde Oelde – Helferkreis", Organisation.Kind.CONGREGATION, "Oelde", False),
]

# Demo volunteers' profiles: postal code, languages, activity areas (slugs), availability.
PROFILES = {
    "freiwillig1@example.org": {
        "postal_code": "59227",
        "languages": [
            ("de", LanguageLevel.NATIVE),
            ("ar", LanguageLevel.FLUENT),
            ("en", LanguageLevel.BASIC),
        ],
        "areas": ["begleitung-zu-behorden-und-arzten", "dolmetschen-sprachmittlung"],
        "slots": [(1, 1), (3, 1), (5, 0)],  # Tue and Thu afternoon, Sat morning
        "radius": VolunteerProfile.Radius.KM_20,
    },
    "freiwillig2@example.org": {
        "postal_code": "48231",
        "languages": [
            ("de", LanguageLevel.NATIVE),
            ("tr", LanguageLevel.NATIVE),
            ("uk", LanguageLevel.BASIC),
        ],
        "areas": ["hausaufgabenhilfe-lernforderung", "sprachforderung-deutsch-lernen"],
        "slots": [(0, 2), (2, 2), (4, 1)],
        "radius": VolunteerProfile.Radius.KM_10,
    },
}

# Help requests of the two organisations with demo coordinators:
# (coordinator, title, area slug, languages, helpers, weekly slots, needs Führungszeugnis).
REQUESTS = [
    (
        "koordination1@example.org",
        "Begleitung zur Ausländerbehörde in Ahlen",
        "begleitung-zu-behorden-und-arzten",
        [("ar", LanguageLevel.FLUENT)],
        2,
        [(1, 1)],
        False,
    ),
    (
        "koordination1@example.org",
        "Hausaufgabenhilfe für Grundschulkinder",
        "hausaufgabenhilfe-lernforderung",
        [("de", LanguageLevel.FLUENT)],
        3,
        [(0, 1), (2, 1)],
        True,
    ),
    (
        "koordination2@example.org",
        "Sprachcafé am Donnerstag",
        "sprachforderung-deutsch-lernen",
        [("de", LanguageLevel.NATIVE)],
        4,
        [(3, 2)],
        False,
    ),
    (
        "koordination2@example.org",
        "Fahrradwerkstatt: Räder für Neuankommende",
        "fahrradwerkstatt-reparatur",
        [],
        2,
        [(5, 0)],
        False,
    ),
]

QUALIFICATIONS = [
    # (slug, German, English)
    ("sprachmittlung-grundkurs", "Sprachmittlung Grundkurs", "Language mediation basics"),
    ("kinderschutz-im-ehrenamt", "Kinderschutz im Ehrenamt", "Child protection for volunteers"),
]

# Trainings of the KI: (title, qualification slug, days from today of the sessions, capacity,
# hours credited, registrations as (email, present at every session or None if not marked)).
# Days < 0 make a past training: registration happened a month earlier, attendance is marked
# and the attendees get their Teilnahmebescheinigung.
TRAININGS = [
    (
        "Kinderschutz im Ehrenamt",
        "kinderschutz-im-ehrenamt",
        [21],
        12,
        Decimal(4),
        [("freiwillig2@example.org", None)],
    ),
    (
        "Sprachmittlung Grundkurs – Aufbautag",
        "sprachmittlung-grundkurs",
        [10],
        1,
        Decimal(6),
        # The first holds the only seat, the second waits (waiting list position 1).
        [("freiwillig1@example.org", None), ("freiwillig2@example.org", None)],
    ),
    (
        "Sprachmittlung Grundkurs",
        "sprachmittlung-grundkurs",
        [-21, -14],
        15,
        Decimal(8),
        [("freiwillig1@example.org", True), ("freiwillig2@example.org", False)],
    ),
]
TRAINING_DESCRIPTION = (
    "Eine Fortbildung des Kommunalen Integrationszentrums für Ehrenamtliche. Mit Übungen aus "
    "der Praxis; Material und Getränke werden gestellt."
)

ACCOUNTS = [
    # (email, name, role, town of the volunteer profile, organisation)
    ("freiwillig1@example.org", ("Anna", "Freiwillig"), User.Role.MEMBER, "Ahlen", None),
    ("freiwillig2@example.org", ("Yusuf", "Demir"), User.Role.MEMBER, "Warendorf", None),
    (
        "koordination1@example.org",
        ("Klara", "Koordination"),
        User.Role.MEMBER,
        None,
        "Flüchtlingshilfe Ahlen e. V.",
    ),
    (
        "koordination2@example.org",
        ("Jonas", "Brückner"),
        User.Role.MEMBER,
        None,
        "Begegnungscafé Telgte",
    ),
    ("ki-team@example.org", ("Sabine", "Sachbearbeitung"), User.Role.KI_STAFF, None, None),
    ("ki-leitung@example.org", ("Dr. Leonie", "Leitung"), User.Role.KI_LEAD, None, None),
    ("admin@example.org", ("Technische", "Administration"), User.Role.ADMIN, None, None),
]


class Command(BaseCommand):
    help = "Create or refresh the demo data (local demo only)."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("seed_demo refuses to run with production settings.")
        with transaction.atomic():
            self._seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Password of every demo account: DEMO_PASSWORD "
                f"({'default' if settings.DEMO_PASSWORD == 'komman-demo-2026' else 'from env'})."
            )
        )

    def _seed(self) -> None:
        towns_load_reference()
        towns = {town.name: town for town in Town.objects.all()}
        now = timezone.now()
        organisations = {}
        for name, kind, town, verified in ORGANISATIONS:
            organisations[name], _ = Organisation.objects.update_or_create(
                name=name,
                town=towns[town],
                defaults={
                    "kind": kind,
                    "contact_email": "kontakt@example.org",
                    "description": "",
                    "verified_at": now if verified else None,
                },
            )
        for email, (first_name, last_name), role, town, organisation in ACCOUNTS:
            user = user_create_verified(
                email=email,
                password=settings.DEMO_PASSWORD,
                first_name=first_name,
                last_name=last_name,
                role=role,
                is_staff=role == User.Role.ADMIN,
            )
            if town:
                self._profile(user, towns[town], now)
            if organisation:
                Membership.objects.get_or_create(
                    user=user, organisation=organisations[organisation]
                )
            if role != User.Role.MEMBER:
                user_set_totp(user=user, secret=settings.DEMO_TOTP_SECRET)
        self._requests()
        self._trainings()
        seed_funding(
            users={u.email: u for u in User.objects.filter(email__endswith="@example.org")},
            organisations=organisations,
        )
        seed_directory(organisations=organisations)

    def _profile(self, user, town, now) -> None:
        data = PROFILES[user.email]
        availability = 0
        for weekday, part in data["slots"]:
            availability |= slot_bit(weekday, part)
        profile, _ = VolunteerProfile.objects.update_or_create(
            user=user,
            defaults={
                "town": town,
                "postal_code": data["postal_code"],
                "availability": availability,
                "travel_radius_km": data["radius"],
                "onboarding_step": 5,
                "onboarding_completed_at": now,
            },
        )
        for code, level in data["languages"]:
            VolunteerLanguage.objects.update_or_create(
                profile=profile, code=code, defaults={"level": level}
            )
        profile.activity_areas.set(ActivityArea.objects.filter(slug__in=data["areas"]))
        consent_give(user=user, kind="contact")
        consent_give(user=user, kind="digest")

    def _requests(self) -> None:
        """Open help requests, one invitation accepted with hours logged (first run only)."""
        if HelpRequest.objects.exists():
            return
        users = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
        open_until = timezone.localdate() + dt.timedelta(days=45)
        created = []
        for email, title, area, languages, helpers, slots, fz in REQUESTS:
            coordinator = users[email]
            organisation = coordinator.memberships.first().organisation
            weekly = 0
            for weekday, part in slots:
                weekly |= slot_bit(weekday, part)
            help_request = help_request_create(
                organisation=organisation,
                actor=coordinator,
                languages=languages,
                data={
                    "title": title,
                    "description": (
                        "Wir suchen Unterstützung für geflüchtete Familien. Eine kurze "
                        "Einführung gibt es beim ersten Treffen."
                    ),
                    "activity_area": ActivityArea.objects.get(slug=area),
                    "town": organisation.town,
                    "place": "Treffpunkt wird nach der Zusage mitgeteilt",
                    "address": f"Marktplatz 1, {organisation.town.postal_codes[0]} "
                    f"{organisation.town.name}",
                    "schedule": HelpRequest.Schedule.WEEKLY,
                    "weekly_slots": weekly,
                    "helpers_needed": helpers,
                    "requires_fuehrungszeugnis": fz,
                    "open_until": open_until,
                },
            )
            help_request_open(help_request=help_request, actor=coordinator)
            created.append(help_request)
        volunteer = users["freiwillig1@example.org"]
        assignment = assignment_invite(
            help_request=created[0], volunteer=volunteer, actor=users["koordination1@example.org"]
        )
        assignment = assignment_accept(assignment=assignment, actor=volunteer)
        hours_log(
            assignment=assignment,
            actor=volunteer,
            date=timezone.localdate() - dt.timedelta(days=2),
            hours=2.5,
            note="Termin bei der Ausländerbehörde",
        )
        assignment_invite(
            help_request=created[2],
            volunteer=users["freiwillig2@example.org"],
            actor=users["koordination2@example.org"],
        )

    def _trainings(self) -> None:
        """Qualifications and three published trainings. Each step looks for its own rows
        first (a training by title, a registration by volunteer), so a second run adds
        nothing; attendance and certificates are idempotent services."""
        qualifications = {}
        for slug, name_de, name_en in QUALIFICATIONS:
            qualifications[slug], _ = Qualification.objects.update_or_create(
                slug=slug, defaults={"name_de": name_de, "name_en": name_en}
            )
        users = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
        staff = users["ki-team@example.org"]
        today = timezone.localdate()
        for title, qualification, days, capacity, hours, registrations in TRAININGS:
            # Sessions 10:00-14:00 local time (make_aware: Europe/Berlin, also across DST).
            sessions = [
                (
                    timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0))),
                    timezone.make_aware(dt.datetime.combine(day, dt.time(14, 0))),
                )
                for day in (today + dt.timedelta(days=d) for d in days)
            ]
            first = sessions[0][0]
            # Registration opened a month before and closes two days before the first session.
            opens = first - dt.timedelta(days=30)
            training = Training.objects.filter(title=title).first()
            if training is None:
                training = training_create(
                    actor=staff,
                    data={
                        "title": title,
                        "description": TRAINING_DESCRIPTION,
                        "place": "Kreishaus Warendorf, Waldenburger Straße 2, Raum 101",
                        "capacity": capacity,
                        "registration_opens_at": opens,
                        "registration_closes_at": first - dt.timedelta(days=2),
                        "cancellation_deadline": first - dt.timedelta(days=3),
                        "language": "de",
                        "target_group": "Ehrenamtliche in der Arbeit mit Geflüchteten",
                        "hours_credited": hours,
                        "qualification": qualifications[qualification],
                    },
                    sessions=sessions,
                )
                training_publish(training=training, actor=staff)
            past = first < timezone.now()
            for position, (email, present) in enumerate(registrations):
                volunteer = users[email]
                registration = training.registrations.filter(
                    volunteer=volunteer, status__in=ACTIVE
                ).first()
                if registration is None:
                    # A past training took its registrations while it was open.
                    registration = registration_create(
                        training=training,
                        volunteer=volunteer,
                        now=opens + dt.timedelta(days=1, minutes=position) if past else None,
                    )
                if present is None or registration.status != Registration.Status.CONFIRMED:
                    continue
                for session in training.sessions.all():
                    attendance_mark(
                        session=session, registration=registration, present=present, actor=staff
                    )
            if past:
                certificates_issue_for_training(training=training, actor=staff)
