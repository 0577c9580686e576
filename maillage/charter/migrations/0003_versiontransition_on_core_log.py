"""The version's log moves onto core's `TransitionLog`: its fields are renamed (from_status → from_state,
to_status → to_state, so that every line is kept), it gains `actor_label`, and `at`/`note` take the shared
definitions."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("charter", "0002_signature_ceremony_event"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="versiontransition",
            options={
                "ordering": ["at", "pk"],
                "verbose_name": "changement d'état d'une version",
                "verbose_name_plural": "changements d'état des versions",
            },
        ),
        migrations.RenameField(model_name="versiontransition", old_name="from_status", new_name="from_state"),
        migrations.RenameField(model_name="versiontransition", old_name="to_status", new_name="to_state"),
        migrations.AlterField(
            model_name="versiontransition",
            name="from_state",
            field=models.CharField(blank=True, max_length=30),
        ),
        migrations.AlterField(
            model_name="versiontransition",
            name="to_state",
            field=models.CharField(max_length=30),
        ),
        migrations.AddField(
            model_name="versiontransition",
            name="actor_label",
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AlterField(
            model_name="versiontransition",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="versiontransition",
            name="note",
            field=models.CharField(blank=True, max_length=300),
        ),
    ]
