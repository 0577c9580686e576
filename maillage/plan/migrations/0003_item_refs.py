"""A stable `ref` on means, schedule entries and milestones (the « identifiant » of the CSV/XLSX file).

Three steps so that existing rows get distinct uuids: add nullable, fill one by one, make non-null with the
callable default (an AddField with a callable default alone would give every existing row the same value).
"""

import uuid

from django.db import migrations, models

MODELS = ("means", "scheduleentry", "milestone")


def fill_refs(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("plan", name)
        historical = apps.get_model("plan", f"historical{name}")
        for pk in model.objects.filter(ref__isnull=True).values_list("pk", flat=True):
            ref = uuid.uuid4()
            model.objects.filter(pk=pk).update(ref=ref)
            historical.objects.filter(id=pk).update(ref=ref)  # an item's history carries its ref
        for pk in historical.objects.filter(ref__isnull=True).values_list("pk", flat=True):
            historical.objects.filter(pk=pk).update(ref=uuid.uuid4())  # history of deleted items


class Migration(migrations.Migration):
    dependencies = [
        ("plan", "0002_evaluation_plenary_event"),
    ]

    operations = [
        *(
            migrations.AddField(model_name=model_name, name="ref", field=models.UUIDField(null=True, editable=False))
            for name in MODELS
            for model_name in (name, f"historical{name}")
        ),
        migrations.RunPython(fill_refs, migrations.RunPython.noop),
        *(
            migrations.AlterField(
                model_name=model_name, name="ref", field=models.UUIDField(default=uuid.uuid4, editable=False)
            )
            for name in MODELS
            for model_name in (name, f"historical{name}")
        ),
    ]
