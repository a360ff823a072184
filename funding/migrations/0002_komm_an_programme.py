"""Seed the programme the KI passes money on from: KOMM-AN NRW, Programmteil II. Its years,
pots and building blocks are data the KI staff enter (the demo data adds some)."""

from django.db import migrations

DESCRIPTION = (
    "Landesprogramm zur Förderung der Integration von Geflüchteten. Programmteil II fördert "
    "bedarfsgerechte Maßnahmen vor Ort, die Ehrenamtliche, Initiativen und Vereine nutzen; "
    "der Kreis leitet die Mittel über einen Weiterleitungsvertrag weiter."
)


def forwards(apps, schema_editor):
    Programme = apps.get_model("funding", "Programme")
    Programme.objects.get_or_create(
        code="KA2",
        defaults={
            "name": "KOMM-AN NRW – Programmteil II",
            "short_name": "KOMM-AN II",
            "description": DESCRIPTION,
            "funding_authority": "Bezirksregierung Arnsberg",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
