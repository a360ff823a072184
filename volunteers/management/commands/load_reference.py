from django.core.management.base import BaseCommand

from volunteers.services.reference import towns_load_reference


class Command(BaseCommand):
    help = "Load the district's reference data (towns and postal codes). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="Reference JSON file (default: REFERENCE_DATA_FILE)")

    def handle(self, *args, **options):
        count = towns_load_reference(path=options.get("file"))
        self.stdout.write(self.style.SUCCESS(f"{count} towns loaded."))
