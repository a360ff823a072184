"""People give first and last name; the full name becomes a column the database derives from
them (a stored generated column), so that lists, search and the name order index stay as they
were. Existing names are split at the last space: "Dr. Leonie Leitung" -> "Dr. Leonie" +
"Leitung"."""

import django.db.models.functions.text
from django.db import migrations, models


def split_names(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.exclude(full_name="").only("pk", "full_name").iterator():
        first, _sep, last = " ".join(user.full_name.split()).rpartition(" ")
        if not first:  # one word: a first name
            first, last = last, ""
        User.objects.filter(pk=user.pk).update(first_name=first[:75], last_name=last[:75])


def join_names(apps, schema_editor):
    """Backwards: the generated column is gone again; full_name is filled from the parts."""
    User = apps.get_model("accounts", "User")
    for user in User.objects.only("pk", "first_name", "last_name").iterator():
        name = " ".join(part for part in (user.first_name, user.last_name) if part)
        User.objects.filter(pk=user.pk).update(full_name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_municipal_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="first_name",
            field=models.CharField(blank=True, max_length=75, verbose_name="Vorname"),
        ),
        migrations.AddField(
            model_name="user",
            name="last_name",
            field=models.CharField(blank=True, max_length=75, verbose_name="Nachname"),
        ),
        migrations.RunPython(split_names, join_names),
        migrations.RemoveIndex(model_name="user", name="user_active_name_order_idx"),
        migrations.RemoveField(model_name="user", name="full_name"),
        migrations.AddField(
            model_name="user",
            name="full_name",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Trim(
                    django.db.models.functions.text.Concat(
                        "first_name", models.Value(" "), "last_name"
                    )
                ),
                output_field=models.CharField(max_length=151, verbose_name="Name"),
            ),
        ),
        migrations.AddIndex(
            model_name="user",
            index=models.Index(
                django.db.models.functions.text.Lower("full_name"),
                models.F("email"),
                models.F("id"),
                condition=models.Q(("is_active", True)),
                name="user_active_name_order_idx",
            ),
        ),
    ]
