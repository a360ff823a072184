"""Demo data for the local run: towns, organisations, and one account per role.

Idempotent: running it again updates the same rows. Refuses to run with production settings.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.services import user_create_verified, user_set_totp
from volunteers.models import Membership, Organisation, Town, VolunteerProfile
from volunteers.services.reference import towns_load_reference

ORGANISATIONS = [
    # (name, kind, town, verified)
    ("Flüchtlingshilfe Ahlen e. V.", Organisation.Kind.VEREIN, "Ahlen", True),
    ("Begegnungscafé Telgte", Organisation.Kind.INITIATIVE, "Telgte", True),
    ("Deutsch-Syrischer Kulturverein Beckum", Organisation.Kind.MIGRANT_ORG, "Beckum", True),
    ("Ev. Kirchengemeinde Oelde – Helferkreis", Organisation.Kind.CONGREGATION, "Oelde", False),
]

ACCOUNTS = [
    # (email, name, role, town of the volunteer profile, organisation)
    ("freiwillig1@example.org", "Anna Freiwillig", User.Role.MEMBER, "Ahlen", None),
    ("freiwillig2@example.org", "Yusuf Demir", User.Role.MEMBER, "Warendorf", None),
    (
        "koordination1@example.org",
        "Klara Koordination",
        User.Role.MEMBER,
        None,
        "Flüchtlingshilfe Ahlen e. V.",
    ),
    (
        "koordination2@example.org",
        "Jonas Brückner",
        User.Role.MEMBER,
        None,
        "Begegnungscafé Telgte",
    ),
    ("ki-team@example.org", "Sabine Sachbearbeitung", User.Role.KI_STAFF, None, None),
    ("ki-leitung@example.org", "Dr. Leonie Leitung", User.Role.KI_LEAD, None, None),
    ("admin@example.org", "Technische Administration", User.Role.ADMIN, None, None),
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
        for email, full_name, role, town, organisation in ACCOUNTS:
            user = user_create_verified(
                email=email,
                password=settings.DEMO_PASSWORD,
                full_name=full_name,
                role=role,
                is_staff=role == User.Role.ADMIN,
            )
            if town:
                VolunteerProfile.objects.update_or_create(
                    user=user, defaults={"town": towns[town], "onboarding_completed_at": now}
                )
            if organisation:
                Membership.objects.get_or_create(
                    user=user, organisation=organisations[organisation]
                )
            if role != User.Role.MEMBER:
                user_set_totp(user=user, secret=settings.DEMO_TOTP_SECRET)
