"""The agenda's machines move onto core's: `EventTransition` is converted in place (from_status/to_status
renamed, `actor_label` added: its history is kept), and registrations get their log, `RegistrationTransition`,
seeded with one line per existing registration (« état à la mise en place du journal »)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

REGISTRATION_STATES = [
    ("pending", "à confirmer"),
    ("registered", "inscrit"),
    ("waitlisted", "liste d'attente"),
    ("cancelled", "annulé"),
]
EVENT_STATUSES = [("draft", "brouillon"), ("published", "publié"), ("cancelled", "annulé"), ("closed", "clos")]


def seed_registration_log(apps, schema_editor):
    Registration = apps.get_model("events", "Registration")
    RegistrationTransition = apps.get_model("events", "RegistrationTransition")
    batch = []
    for pk, state in Registration.objects.values_list("pk", "state").iterator(chunk_size=1000):
        batch.append(
            RegistrationTransition(
                registration_id=pk,
                from_state="",
                to_state=state,
                actor_label="Système (mise en place du journal)",
                note="état à la mise en place du journal",
            )
        )
        if len(batch) >= 1000:
            RegistrationTransition.objects.bulk_create(batch)
            batch = []
    RegistrationTransition.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_series_on_holiday"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="eventtransition", old_name="from_status", new_name="from_state"),
        migrations.RenameField(model_name="eventtransition", old_name="to_status", new_name="to_state"),
        migrations.AlterField(
            model_name="eventtransition",
            name="from_state",
            field=models.CharField(blank=True, choices=EVENT_STATUSES, max_length=30),
        ),
        migrations.AlterField(
            model_name="eventtransition",
            name="to_state",
            field=models.CharField(choices=EVENT_STATUSES, max_length=30),
        ),
        migrations.AddField(
            model_name="eventtransition",
            name="actor_label",
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AlterModelOptions(
            name="eventtransition",
            options={"ordering": ["at", "pk"], "verbose_name": "changement de statut d'un événement"},
        ),
        migrations.CreateModel(
            name="RegistrationTransition",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("actor_label", models.CharField(blank=True, max_length=150)),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("note", models.CharField(blank=True, max_length=300)),
                ("from_state", models.CharField(blank=True, choices=REGISTRATION_STATES, max_length=30)),
                ("to_state", models.CharField(choices=REGISTRATION_STATES, max_length=30)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "registration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="transitions",
                        to="events.registration",
                    ),
                ),
            ],
            options={
                "verbose_name": "changement d'état d'une inscription",
                "ordering": ["at", "pk"],
                "abstract": False,
            },
        ),
        migrations.RunPython(seed_registration_log, migrations.RunPython.noop, elidable=True),
    ]
