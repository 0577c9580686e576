"""Notifications and their preferences move to maillage.notifications: the rows are copied there (same ids,
dates kept), then the workspace's tables are dropped. Reversible: backwards, the tables come back and the
rows are copied back."""

from django.core.management.color import no_style
from django.db import migrations

FIELDS = ["id", "user_id", "territory_id", "kind", "title", "url", "created_at", "read_at", "mailed_at", "delivery"]
PREF_FIELDS = ["id", "user_id", "kind", "delivery"]
CHUNK = 1000


def _copy(source, target, fields, schema_editor):
    if "created_at" in fields:
        # Historical models keep auto_now_add: switch it off so the stored dates are copied as they are.
        target._meta.get_field("created_at").auto_now_add = False
    rows = source.objects.using(schema_editor.connection.alias).order_by("pk").values(*fields)
    batch = []
    for row in rows.iterator(chunk_size=CHUNK):
        batch.append(target(**row))
        if len(batch) >= CHUNK:
            target.objects.using(schema_editor.connection.alias).bulk_create(batch)
            batch = []
    if batch:
        target.objects.using(schema_editor.connection.alias).bulk_create(batch)
    # Ids were copied: the sequence must start after them (PostgreSQL; nothing to do on SQLite).
    statements = schema_editor.connection.ops.sequence_reset_sql(no_style(), [target])
    with schema_editor.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def forwards(apps, schema_editor):
    _copy(
        apps.get_model("workspace", "Notification"),
        apps.get_model("notifications", "Notification"),
        FIELDS,
        schema_editor,
    )
    _copy(
        apps.get_model("workspace", "NotificationPreference"),
        apps.get_model("notifications", "NotificationPreference"),
        PREF_FIELDS,
        schema_editor,
    )


def backwards(apps, schema_editor):
    _copy(
        apps.get_model("notifications", "Notification"),
        apps.get_model("workspace", "Notification"),
        FIELDS,
        schema_editor,
    )
    _copy(
        apps.get_model("notifications", "NotificationPreference"),
        apps.get_model("workspace", "NotificationPreference"),
        PREF_FIELDS,
        schema_editor,
    )
    apps.get_model("notifications", "Notification").objects.using(schema_editor.connection.alias).delete()
    apps.get_model("notifications", "NotificationPreference").objects.using(
        schema_editor.connection.alias
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0002_ateliermeeting_historicalateliermeeting"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(
            name="Notification",
        ),
        migrations.DeleteModel(
            name="NotificationPreference",
        ),
    ]
