"""The signing ceremony becomes a real agenda event (events.Event).

The former integer `ceremony_event_id` is copied into the new foreign key when it names an event of the
charter's territory; the free-text title, date and place are dropped: the event is the only truth.
"""

import django.db.models.deletion
from django.db import migrations, models


def copy_event_ids(apps, schema_editor):
    Signature = apps.get_model("charter", "Signature")
    Event = apps.get_model("events", "Event")
    rows = Signature.objects.filter(ceremony_event_id__isnull=False).values_list(
        "pk", "ceremony_event_id", "version__charter__territory_id"
    )
    for pk, event_id, territory_id in rows:
        if Event.objects.filter(pk=event_id, territory_id=territory_id).exists():
            Signature.objects.filter(pk=pk).update(ceremony_id=event_id)


class Migration(migrations.Migration):
    dependencies = [
        ("charter", "0001_initial"),
        ("events", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="signature",
            name="ceremony",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="charter_signatures",
                to="events.event",
                verbose_name="cérémonie de signature",
            ),
        ),
        migrations.RunPython(copy_event_ids, migrations.RunPython.noop),
        migrations.RemoveField(model_name="signature", name="ceremony_date"),
        migrations.RemoveField(model_name="signature", name="ceremony_event_id"),
        migrations.RemoveField(model_name="signature", name="ceremony_place"),
        migrations.RemoveField(model_name="signature", name="ceremony_title"),
    ]
