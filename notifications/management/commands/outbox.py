"""The state of the outbox for operators: counts per status, the oldest waiting email, the
latest failures with their reasons.

    python manage.py outbox            # overview
    python manage.py outbox --failed 50  # the 50 latest failures
"""

from django.core.management.base import BaseCommand
from django.db.models import Count

from notifications.models import Notification
from notifications.services import outbox_stats


class Command(BaseCommand):
    help = "Show the state of the email outbox."

    def add_arguments(self, parser):
        parser.add_argument(
            "--failed", type=int, default=10, help="How many of the latest failures to list."
        )

    def handle(self, *args, failed: int, **options):
        counts = dict(Notification.objects.values_list("status").annotate(n=Count("id")).order_by())
        for status, label in Notification.Status.choices:
            self.stdout.write(f"{status:<10} {counts.get(status, 0):>8}  ({label})")
        stats = outbox_stats()
        age = stats["oldest_pending_age_seconds"]
        self.stdout.write("oldest undelivered: " + ("none" if age is None else f"{age} s old"))
        if failed:
            rows = Notification.objects.filter(status=Notification.Status.FAILED).order_by(
                "-updated_at"
            )[:failed]
            for row in rows:
                self.stdout.write(
                    f"failed #{row.pk} {row.updated_at:%Y-%m-%d %H:%M} {row.kind} "
                    f"{row.to_email}: {row.last_error[:200]}"
                )
