"""Print the current TOTP code of the demo staff accounts (local demo only)."""

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Print the current two-factor code for the demo secret DEMO_TOTP_SECRET."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("demo_totp is for the local demo only.")
        counter = int(time.time()) // 30
        code = format_hotp_value(hotp_value(settings.DEMO_TOTP_SECRET, counter))
        self.stdout.write(f"{code}  (valid for {30 - int(time.time()) % 30} more seconds)")
