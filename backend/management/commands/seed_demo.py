"""Demo data for the local run: the demo district of Kreis Warendorf.

One account per role (README), then a year of the district told through the services: some
330 volunteers in the 13 towns, 45 organisations (some waiting for verification), 60-odd help
requests in every schedule and status with invitations, offers and twelve months of hours,
trainings with attendance, certificates and waiting lists (volunteers/demo.py), funding cases
in every stage (funding/demo.py) and the public directory with different offers in every town
(directory/demo.py). The emails of that history count as sent; only the last days' emails to the
demo accounts wait for the worker, so the Demo-Postfach shows what is new (notifications/demo.py).

Idempotent: a second run resets the demo accounts' passwords and devices and adds nothing.
Refuses to run with production settings.
"""

import datetime as dt
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from directory.demo import seed_directory, seed_municipal_account
from funding.demo import seed_funding
from notifications.demo import outbox_settle_history
from volunteers.demo import district_exists, seed_accounts, seed_volunteering
from volunteers.demo_data import DEMO_PEOPLE

# Emails of the last days to the demo accounts are delivered; older ones are history.
NEW_MAIL = dt.timedelta(days=7)


class Command(BaseCommand):
    help = "Create or refresh the demo data (local demo only)."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("seed_demo refuses to run with production settings.")
        started = time.monotonic()
        with transaction.atomic():
            users = seed_accounts()
            built = not district_exists()
            if built:
                self._build(users)
            seed_municipal_account(staff=users["ki-team@example.org"])
        seconds = time.monotonic() - started
        what = "Demo district built" if built else "Demo accounts refreshed (district exists)"
        self.stdout.write(
            self.style.SUCCESS(
                f"{what} in {seconds:.0f} s. Password of every demo account: DEMO_PASSWORD "
                f"({'default' if settings.DEMO_PASSWORD == 'komman-demo-2026' else 'from env'})."
            )
        )

    def _build(self, users: dict[str, User]) -> None:
        started = timezone.now()
        district = seed_volunteering(users)
        seed_funding(
            users=users, organisations=district.organisations, coordinators=district.coordinators
        )
        seed_directory(district=district)
        outbox_settle_history(
            deliver_to=User.objects.filter(email__in=DEMO_PEOPLE), since=started - NEW_MAIL
        )
