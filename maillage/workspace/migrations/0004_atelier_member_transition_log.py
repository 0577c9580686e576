"""AtelierMemberTransition moves onto core's TransitionLog: from_status/to_status are renamed (history kept),
actor_label and note are added, the old lines get their actor's label; a member with no line yet (made by
the demo loader or an example builder) gets one, "" → its current state."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def label_actors(apps, schema_editor):
    Transition = apps.get_model("workspace", "AtelierMemberTransition")
    for line in Transition.objects.filter(actor__isnull=False).select_related("actor").iterator():
        actor = line.actor
        line.actor_label = (getattr(actor, "display_name", "") or actor.email or "")[:150]
        line.save(update_fields=["actor_label"])


def seed_missing(apps, schema_editor):
    Member = apps.get_model("workspace", "AtelierMember")
    Transition = apps.get_model("workspace", "AtelierMemberTransition")
    now = django.utils.timezone.now()
    Transition.objects.bulk_create(
        [
            Transition(
                member_id=pk,
                from_state="",
                to_state=status,
                actor_label="Système (mise en place du journal)",
                at=now,
                note="état à la mise en place du journal",
            )
            for pk, status in Member.objects.filter(transitions__isnull=True).values_list("pk", "status")
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("workspace", "0003_notifications_move_to_their_app"),
    ]

    operations = [
        migrations.RenameField("ateliermembertransition", "from_status", "from_state"),
        migrations.RenameField("ateliermembertransition", "to_status", "to_state"),
        migrations.AlterField(
            model_name="ateliermembertransition",
            name="from_state",
            field=models.CharField(blank=True, max_length=30),
        ),
        migrations.AlterField(
            model_name="ateliermembertransition",
            name="to_state",
            field=models.CharField(max_length=30),
        ),
        migrations.AlterField(
            model_name="ateliermembertransition",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="ateliermembertransition",
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
            model_name="ateliermembertransition",
            name="actor_label",
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AddField(
            model_name="ateliermembertransition",
            name="note",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.RunPython(label_actors, migrations.RunPython.noop),
        migrations.RunPython(seed_missing, migrations.RunPython.noop),
    ]
