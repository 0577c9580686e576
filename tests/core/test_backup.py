"""`maillage backup` / `maillage restore` round trip, on the suite's database engine (SQLite in the SQLite
pass, PostgreSQL in the PostgreSQL pass): the backup of this installation is restored into a *fresh* database
and a fresh file store (a new machine after a disaster), and the restored installation equals the original —
row counts and content digests per table, files by digest. A tampered backup is caught."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connections

from maillage.actors.models import Structure
from maillage.core import backup
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump reads what is committed

LOGO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture
def fresh_database(tmp_path):
    """A `restored` connection alias on an empty database of the suite's engine."""
    default = connections["default"]
    conf = {**connections.settings["default"], "TEST": {}, "OPTIONS": {}}
    created = None
    if default.vendor == "sqlite":
        conf.update(ENGINE="django.db.backends.sqlite3", NAME=str(tmp_path / "restored.sqlite3"))
    else:
        import psycopg

        created = f"{default.settings_dict['NAME']}_restored"
        admin_dsn = backup.Target.from_alias("default").pg_dsn.replace(
            f"dbname={default.settings_dict['NAME']}", "dbname=postgres"
        )
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{created}"')
            conn.execute(f'CREATE DATABASE "{created}"')
        conf["NAME"] = created
    connections.settings["restored"] = conf
    yield backup.Target.from_alias("restored")
    connections["restored"].close()
    del connections["restored"]
    del connections.settings["restored"]
    if created:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')


def rows_of(target: backup.Target, sql: str) -> list[tuple]:
    if target.engine == "sqlite":
        conn = sqlite3.connect(target.sqlite_path)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(target.pg_dsn) as conn:
        return conn.execute(sql).fetchall()


def test_a_backup_restored_on_a_fresh_installation_equals_the_original(
    territory, settings, tmp_path, fresh_database
):
    settings.MEDIA_ROOT = str(tmp_path / "media-origin")
    StructureFactory.create_batch(3, territory=territory)
    kept = StructureFactory(territory=territory, name="Jardins de la Siagne")
    stored = storages["default"].save("logos/jardins.png", ContentFile(LOGO))
    Structure.objects.filter(pk=kept.pk).update(logo=stored)

    folder = backup.backup(tmp_path / "sauvegardes")
    manifest = backup.read_manifest(folder)
    assert manifest["tables"]["actors_structure"]["rows"] == 4
    assert manifest["files"]["default"] == {stored: hashlib.sha256(LOGO).hexdigest()}

    settings.MEDIA_ROOT = str(tmp_path / "media-restored")  # the new machine's empty file store
    assert backup.restore(folder, alias="restored") == []

    assert ("Jardins de la Siagne", stored) in rows_of(
        fresh_database, "SELECT name, logo FROM actors_structure"
    )
    assert (tmp_path / "media-restored" / stored).read_bytes() == LOGO
    measured = backup.database_digests(
        fresh_database.engine, sqlite_path=fresh_database.sqlite_path, pg_dsn=fresh_database.pg_dsn
    )
    assert measured == manifest["tables"]


def test_a_restore_that_differs_from_its_manifest_is_reported_table_by_table(
    territory, settings, tmp_path, fresh_database
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    StructureFactory.create_batch(2, territory=territory)
    folder = backup.backup(tmp_path / "sauvegardes")
    manifest = json.loads((folder / backup.MANIFEST).read_text())
    manifest["tables"]["actors_structure"]["rows"] = 3  # what the backup claims is not what it holds
    (folder / backup.MANIFEST).write_text(json.dumps(manifest))
    differences = backup.restore(folder, alias="restored")
    assert len(differences) == 1 and differences[0].startswith("table actors_structure")


def test_restore_asks_for_confirmation_and_refuses_what_is_not_a_backup(territory, tmp_path):
    folder = backup.backup(tmp_path / "sauvegardes")
    before = Structure.objects.count()
    with pytest.raises(CommandError, match="--oui"):
        call_command("restore", str(folder))
    with pytest.raises(CommandError, match="n'est pas une sauvegarde"):
        call_command("restore", str(tmp_path), "--oui")
    assert Structure.objects.count() == before
    with pytest.raises(backup.BackupError, match="existe déjà"):
        backup.backup(
            tmp_path / "sauvegardes",
            now=backup.dt.datetime.fromisoformat(backup.read_manifest(folder)["created"]),
        )
