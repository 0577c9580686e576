"""A stable `ref` on measurements (the « identifiant » of a « mesure » row of the CSV/XLSX file).

Same three steps as 0003 so that existing rows get distinct uuids.
"""

import uuid

from django.db import migrations, models


def fill_refs(apps, schema_editor):
    model = apps.get_model("plan", "measurement")
    historical = apps.get_model("plan", "historicalmeasurement")
    for pk in model.objects.filter(ref__isnull=True).values_list("pk", flat=True):
        ref = uuid.uuid4()
        model.objects.filter(pk=pk).update(ref=ref)
        historical.objects.filter(id=pk).update(ref=ref)
    for pk in historical.objects.filter(ref__isnull=True).values_list("pk", flat=True):
        historical.objects.filter(pk=pk).update(ref=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("plan", "0003_item_refs"),
    ]

    operations = [
        *(
            migrations.AddField(model_name=model_name, name="ref", field=models.UUIDField(null=True, editable=False))
            for model_name in ("measurement", "historicalmeasurement")
        ),
        migrations.RunPython(fill_refs, migrations.RunPython.noop),
        *(
            migrations.AlterField(
                model_name=model_name, name="ref", field=models.UUIDField(default=uuid.uuid4, editable=False)
            )
            for model_name in ("measurement", "historicalmeasurement")
        ),
    ]
