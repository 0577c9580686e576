"""The plan's machines move onto core's: `StatusChange` becomes `NodeTransition` (a `TransitionLog`; its
rows are kept, from_status/to_status renamed from_state/to_state, with an actor label), and the yearly
evaluation gets a log, `EvaluationTransition`, seeded with one line per existing evaluation."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

SEED_NOTE = "état à la mise en place du journal"


def seed_evaluation_log(apps, schema_editor):
    Evaluation = apps.get_model("plan", "Evaluation")
    EvaluationTransition = apps.get_model("plan", "EvaluationTransition")
    EvaluationTransition.objects.bulk_create(
        EvaluationTransition(
            evaluation_id=evaluation.pk,
            from_state="",
            to_state=evaluation.status,
            actor_label="Système (mise en place du journal)",
            at=evaluation.adopted_at or evaluation.opened_at,
            note=SEED_NOTE,
        )
        for evaluation in Evaluation.objects.all()
    )


def label_node_log(apps, schema_editor):
    """Who, in words, for the lines written before the label existed (the system when nobody is named)."""
    NodeTransition = apps.get_model("plan", "NodeTransition")
    NodeTransition.objects.filter(actor__isnull=True).update(actor_label="Système")
    for line in NodeTransition.objects.filter(actor__isnull=False).select_related("actor"):
        name = getattr(line.actor, "display_name", "") or getattr(line.actor, "email", "")
        line.actor_label = str(name)[:150]
        line.save(update_fields=["actor_label"])


class Migration(migrations.Migration):
    dependencies = [
        ("plan", "0004_measurement_ref"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(old_name="StatusChange", new_name="NodeTransition"),
        migrations.RenameField(model_name="nodetransition", old_name="from_status", new_name="from_state"),
        migrations.RenameField(model_name="nodetransition", old_name="to_status", new_name="to_state"),
        migrations.AlterField(
            model_name="nodetransition",
            name="from_state",
            field=models.CharField(blank=True, max_length=30),
        ),
        migrations.AlterField(
            model_name="nodetransition",
            name="to_state",
            field=models.CharField(max_length=30),
        ),
        migrations.AlterField(
            model_name="nodetransition",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="nodetransition",
            name="actor_label",
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.RunPython(label_node_log, migrations.RunPython.noop),
        migrations.CreateModel(
            name="EvaluationTransition",
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
                    "evaluation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="transitions",
                        to="plan.evaluation",
                    ),
                ),
            ],
            options={
                "verbose_name": "étape d'évaluation",
                "verbose_name_plural": "étapes d'évaluation",
                "ordering": ["at", "pk"],
                "abstract": False,
            },
        ),
        migrations.RunPython(seed_evaluation_log, migrations.RunPython.noop),
    ]
