# The full-text index is engine-specific, so it is created here in SQL, per vendor (see
# maillage.core.search for the design). The SQL is copied here (not imported) so this migration never
# changes when the module does.

from django.db import migrations, models
import django.db.models.deletion

SQLITE_SCHEMA = [
    """CREATE VIRTUAL TABLE core_search_fts USING fts5(
        search_text, content='core_searchdocument', content_rowid='id',
        tokenize='unicode61', prefix='2 3 4')""",
    """CREATE TRIGGER core_search_fts_ai AFTER INSERT ON core_searchdocument BEGIN
        INSERT INTO core_search_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER core_search_fts_ad AFTER DELETE ON core_searchdocument BEGIN
        INSERT INTO core_search_fts(core_search_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER core_search_fts_au AFTER UPDATE OF search_text ON core_searchdocument BEGIN
        INSERT INTO core_search_fts(core_search_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO core_search_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
]
SQLITE_UNSCHEMA = [
    "DROP TRIGGER IF EXISTS core_search_fts_au",
    "DROP TRIGGER IF EXISTS core_search_fts_ad",
    "DROP TRIGGER IF EXISTS core_search_fts_ai",
    "DROP TABLE IF EXISTS core_search_fts",
]
POSTGRESQL_SCHEMA = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX core_searchdoc_tsv ON core_searchdocument USING gin (to_tsvector('simple'::regconfig, search_text))",
    "CREATE INDEX core_searchdoc_trgm ON core_searchdocument USING gin (search_text gin_trgm_ops)",
]
POSTGRESQL_UNSCHEMA = [
    "DROP INDEX IF EXISTS core_searchdoc_trgm",
    "DROP INDEX IF EXISTS core_searchdoc_tsv",
]


def create_search_index(apps, schema_editor):
    statements = {"sqlite": SQLITE_SCHEMA, "postgresql": POSTGRESQL_SCHEMA}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def drop_search_index(apps, schema_editor):
    statements = {"sqlite": SQLITE_UNSCHEMA, "postgresql": POSTGRESQL_UNSCHEMA}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)

class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=50, verbose_name='type')),
                ('object_id', models.PositiveBigIntegerField()),
                ('title', models.CharField(max_length=300, verbose_name='titre')),
                ('search_text', models.TextField()),
                ('facets', models.JSONField(blank=True, default=dict)),
                ('is_public', models.BooleanField(default=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('territory', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.territory')),
            ],
            options={
                'verbose_name': 'document de recherche',
                'verbose_name_plural': 'documents de recherche',
                'indexes': [models.Index(fields=['kind', 'object_id'], name='core_searchdoc_kind_obj')],
                'constraints': [models.UniqueConstraint(fields=('territory', 'kind', 'object_id'), name='core_searchdocument_unique')],
            },
        ),
        migrations.RunPython(create_search_index, drop_search_index),
    ]

