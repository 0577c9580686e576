"""The lettre's machines move onto core's TransitionLog.

- IssueTransition is converted in place: from_status/to_status renamed (history kept), actor_label and note
  added, the old lines labelled (« Système (envoi de la lettre) » where no person acted);
- SubscriberTransition and DeliveryTransition are new; each existing subscriber and delivery gets one line
  "" → its current state (« état à la mise en place du journal »).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

NOTE = "état à la mise en place du journal"
SYSTEM_LABEL = "Système (mise en place du journal)"


def label_issue_lines(apps, schema_editor):
    Transition = apps.get_model("newsletter", "IssueTransition")
    for line in Transition.objects.select_related("actor").iterator():
        actor = line.actor
        if actor is None:
            line.actor_label = "Système (envoi de la lettre)"
        else:
            line.actor_label = (getattr(actor, "display_name", "") or actor.email or "")[:150]
        line.save(update_fields=["actor_label"])


def seed_logs(apps, schema_editor):
    now = django.utils.timezone.now()
    for model, log, fk, field in (
        ("Subscriber", "SubscriberTransition", "subscriber", "status"),
        ("Delivery", "DeliveryTransition", "delivery", "state"),
    ):
        Model = apps.get_model("newsletter", model)
        Log = apps.get_model("newsletter", log)
        batch = []
        for pk, state in Model.objects.values_list("pk", field).iterator():
            batch.append(
                Log(**{f"{fk}_id": pk}, from_state="", to_state=state, actor_label=SYSTEM_LABEL, at=now, note=NOTE)
            )
            if len(batch) >= 1000:
                Log.objects.bulk_create(batch)
                batch = []
        Log.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("newsletter", "0002_pending_subscription"),
    ]

    operations = [
        migrations.RenameField("issuetransition", "from_status", "from_state"),
        migrations.RenameField("issuetransition", "to_status", "to_state"),
        migrations.AlterField(
            model_name="issuetransition",
            name="from_state",
            field=models.CharField(blank=True, max_length=30),
        ),
        migrations.AlterField(
            model_name="issuetransition",
            name="to_state",
            field=models.CharField(max_length=30),
        ),
        migrations.AlterField(
            model_name="issuetransition",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="issuetransition",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="issuetransition",
            name="actor_label",
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AddField(
            model_name="issuetransition",
            name="note",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.CreateModel(
            name="DeliveryTransition",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("from_state", models.CharField(blank=True, max_length=30)),
                ("to_state", models.CharField(max_length=30)),
                ("actor_label", models.CharField(blank=True, max_length=150)),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("note", models.CharField(blank=True, max_length=300)),
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
                    "delivery",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="transitions",
                        to="newsletter.delivery",
                    ),
                ),
            ],
            options={"ordering": ["at", "pk"], "abstract": False},
        ),
        migrations.CreateModel(
            name="SubscriberTransition",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("from_state", models.CharField(blank=True, max_length=30)),
                ("to_state", models.CharField(max_length=30)),
                ("actor_label", models.CharField(blank=True, max_length=150)),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("note", models.CharField(blank=True, max_length=300)),
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
                    "subscriber",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="transitions",
                        to="newsletter.subscriber",
                    ),
                ),
            ],
            options={"ordering": ["at", "pk"], "abstract": False},
        ),
        migrations.RunPython(label_issue_lines, migrations.RunPython.noop),
        migrations.RunPython(seed_logs, migrations.RunPython.noop),
    ]
