"""The log of structures' statuses becomes a `core.machines.TransitionLog`: its fields are renamed (history
kept) — from_status → from_state, to_status → to_state, reason → note."""

from django.db import migrations


def shorten_notes(apps, schema_editor):
    """A note holds 300 characters; the full refusal reason stays on the structure."""
    StructureTransition = apps.get_model("actors", "StructureTransition")
    for line in StructureTransition.objects.exclude(note="").only("pk", "note").iterator():
        if len(line.note) > 300:
            StructureTransition.objects.filter(pk=line.pk).update(note=line.note[:299] + "…")


class Migration(migrations.Migration):
    dependencies = [("actors", "0004_directory_indexes")]

    operations = [
        migrations.RenameField("structuretransition", "from_status", "from_state"),
        migrations.RenameField("structuretransition", "to_status", "to_state"),
        migrations.RenameField("structuretransition", "reason", "note"),
        migrations.RunPython(shorten_notes, migrations.RunPython.noop),
    ]
