"""Ehrenamtsnachweise keep what the public check page shows: the holder's name as printed and
the confirmed hours in total. Rows issued before take the account's current name (the email
address is never a name); their hours stay unknown (the page leaves them out)."""

from django.db import migrations, models


def names_of_issued(apps, schema_editor):
    VolunteerCertificate = apps.get_model("volunteers", "VolunteerCertificate")
    for certificate in VolunteerCertificate.objects.select_related("volunteer").only(
        "pk", "volunteer__first_name", "volunteer__last_name"
    ):
        person = certificate.volunteer
        name = " ".join(part for part in (person.first_name, person.last_name) if part)
        if name:
            VolunteerCertificate.objects.filter(pk=certificate.pk).update(holder_name=name[:200])


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0006_assignment_decline_reason_organisation_phone"),
    ]

    operations = [
        migrations.AddField(
            model_name="volunteercertificate",
            name="holder_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="Name"),
        ),
        migrations.AddField(
            model_name="volunteercertificate",
            name="total_hours",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=10,
                null=True,
                verbose_name="bestätigte Stunden",
            ),
        ),
        migrations.RunPython(names_of_issued, migrations.RunPython.noop),
    ]
