"""`maillage backup` / `maillage restore`: the database and the stored files, in one folder, with a manifest.

A backup is a folder (``maillage-sauvegarde-<date>/``) holding:

- ``database.sqlite3`` — SQLite's online backup API (a consistent copy while the site runs), or
  ``database.dump`` — ``pg_dump --format=custom`` for PostgreSQL;
- ``files/<storage>/…`` — every file of the upload storages (``default`` and ``private``), read through
  Django's storage API, so the local disk and S3-compatible storage are backed up the same way;
- ``manifest.json`` — the engine, the date, and for each table its row count and a SHA-256 of its content
  (rows in a fixed order), for each file its SHA-256.

`restore` puts the database back (SQLite's backup API into the database file; ``pg_restore --clean
--single-transaction`` for PostgreSQL), writes the files back into the storages, then measures the restored
installation the same way and compares it with the manifest: a difference is an error, listed table by table
and file by file. The comparison uses plain DB-API connections (sqlite3, psycopg) on both sides, so the same
row gives the same digest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage, storages
from django.db import connections

MANIFEST = "manifest.json"
FILE_STORAGES = ("default", "private")
CHUNK = 2000


class BackupError(Exception):
    """A backup or a restore that cannot be done, with a French message for the operator."""


@dataclass(frozen=True)
class Target:
    """The database to back up or restore: its engine and how to reach it outside Django."""

    engine: str  # "sqlite" or "postgresql"
    sqlite_path: str = ""
    pg_dsn: str = ""

    @classmethod
    def from_alias(cls, alias: str = "default") -> Target:
        conf = connections[alias].settings_dict
        if connections[alias].vendor == "sqlite":
            return cls("sqlite", sqlite_path=str(conf["NAME"]))
        if connections[alias].vendor == "postgresql":
            parts = {
                "host": conf.get("HOST") or "",
                "port": str(conf.get("PORT") or ""),
                "user": conf.get("USER") or "",
                "password": conf.get("PASSWORD") or "",
                "dbname": conf["NAME"],
            }
            return cls("postgresql", pg_dsn=" ".join(f"{k}={v}" for k, v in parts.items() if v))
        raise BackupError(f"Base de données non prise en charge : {connections[alias].vendor}.")


# --- digests ----------------------------------------------------------------------------------------------


def _tables(cursor: Any, engine: str) -> list[str]:
    if engine == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    else:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
    return [row[0] for row in cursor.fetchall()]


def _table_digest(cursor: Any, table: str) -> dict[str, Any]:
    quoted = '"' + table.replace('"', '""') + '"'
    cursor.execute(f"SELECT * FROM {quoted} LIMIT 0")  # noqa: S608 (a table name read from the catalogue)
    width = len(cursor.description)
    order = ", ".join(str(i) for i in range(1, width + 1))
    cursor.execute(f"SELECT * FROM {quoted} ORDER BY {order}")  # noqa: S608
    digest, rows = hashlib.sha256(), 0
    while batch := cursor.fetchmany(CHUNK):
        for row in batch:
            values = tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
            digest.update(repr(values).encode())
            digest.update(b"\n")
        rows += len(batch)
    return {"rows": rows, "sha256": digest.hexdigest()}


def database_digests(engine: str, *, sqlite_path: str = "", pg_dsn: str = "") -> dict[str, dict[str, Any]]:
    """Row count and content digest of every table, through a plain DB-API connection."""
    if engine == "sqlite":
        conn: Any = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    else:
        import psycopg  # noqa: PLC0415  (only for PostgreSQL)

        conn = psycopg.connect(pg_dsn)
    try:
        return digests_with(conn.cursor(), engine)
    finally:
        conn.close()


def digests_with(cursor: Any, engine: str) -> dict[str, dict[str, Any]]:
    return {table: _table_digest(cursor, table) for table in _tables(cursor, engine)}


def _walk(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


def file_storages() -> dict[str, Storage]:
    """The upload storages of this installation (the private one only when it is configured apart)."""
    found = {"default": storages["default"]}
    if "private" in settings.STORAGES:
        found["private"] = storages["private"]
    return found


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# --- backup ----------------------------------------------------------------------------------------------


def backup(destination: Path, *, alias: str = "default", now: dt.datetime | None = None) -> Path:
    """Write a backup folder under `destination`; returns its path."""
    now = now or dt.datetime.now(dt.UTC)
    folder = destination / f"maillage-sauvegarde-{now:%Y%m%d-%H%M%S}"
    if folder.exists():
        raise BackupError(f"Le dossier {folder} existe déjà : rien n'a été écrit.")
    folder.mkdir(parents=True)
    try:
        target = Target.from_alias(alias)
        manifest: dict[str, Any] = {"format": 1, "engine": target.engine, "created": now.isoformat()}
        if target.engine == "sqlite":
            copy = folder / "database.sqlite3"
            _sqlite_copy(connections[alias], copy)
            manifest["tables"] = database_digests("sqlite", sqlite_path=str(copy))
        else:
            manifest["tables"] = _pg_dump(target.pg_dsn, folder / "database.dump")
        manifest["files"] = _backup_files(folder / "files")
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # never leave a half-written backup behind
        raise
    return folder


def _pg_dump(dsn: str, dump: Path) -> dict[str, dict[str, Any]]:
    """pg_dump and the digests from one snapshot: what is measured is exactly what is dumped, even while the
    site keeps writing."""
    import psycopg  # noqa: PLC0415  (only for PostgreSQL)

    with psycopg.connect(dsn) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        cursor = conn.cursor()
        row = cursor.execute("SELECT pg_export_snapshot()").fetchone()
        snapshot = row[0] if row else ""
        tables = digests_with(cursor, "postgresql")
        _run(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}", "--file", str(dump),
              f"--dbname={dsn}"])  # fmt: skip
        conn.rollback()
    return tables


def _sqlite_copy(connection: Any, copy: Path) -> None:
    connection.ensure_connection()
    destination = sqlite3.connect(copy)
    try:
        connection.connection.backup(destination)  # online and consistent, WAL included
    finally:
        destination.close()


def _backup_files(root: Path) -> dict[str, dict[str, str]]:
    listed: dict[str, dict[str, str]] = {}
    for alias, storage in file_storages().items():
        listed[alias] = {}
        for name in _walk(storage):
            target = root / alias / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with storage.open(name, "rb") as source, target.open("wb") as out:
                shutil.copyfileobj(source, out)
            listed[alias][name] = _sha256_file(target)
    return listed


def _run(argv: list[str]) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603 (pg tools)
    if result.returncode != 0:
        raise BackupError(f"{argv[0]} a échoué : {result.stderr.strip()[-800:]}")


# --- restore ----------------------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(
            f"{folder} n'est pas une sauvegarde de Maillage (manifest.json illisible)."
        ) from exc
    if manifest.get("format") != 1:
        raise BackupError("Format de sauvegarde inconnu.")
    return manifest


def restore(folder: Path, *, alias: str = "default") -> list[str]:
    """Restore `folder` here; returns the differences with the manifest (none: identical)."""
    manifest = read_manifest(folder)
    target = Target.from_alias(alias)
    if manifest["engine"] != target.engine:
        raise BackupError(
            f"Cette sauvegarde vient de {manifest['engine']} ; la base configurée est {target.engine}."
        )
    connections[alias].close()
    if target.engine == "sqlite":
        source = sqlite3.connect(folder / "database.sqlite3")
        destination = sqlite3.connect(target.sqlite_path)
        try:
            source.backup(destination)  # replaces every page of the live file, under SQLite's lock
        finally:
            source.close()
            destination.close()
        measured = database_digests("sqlite", sqlite_path=target.sqlite_path)
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={target.pg_dsn}", str(folder / "database.dump")])  # fmt: skip
        measured = database_digests("postgresql", pg_dsn=target.pg_dsn)
    differences = _compare_tables(manifest["tables"], measured)
    differences += _restore_files(folder / "files", manifest["files"])
    return differences


def _compare_tables(expected: dict[str, Any], measured: dict[str, Any]) -> list[str]:
    differences = []
    for table in sorted(set(expected) | set(measured)):
        before, after = expected.get(table), measured.get(table)
        if before != after:
            differences.append(f"table {table} : sauvegardée {before}, restaurée {after}")
    return differences


def _restore_files(root: Path, listed: dict[str, dict[str, str]]) -> list[str]:
    differences = []
    available = file_storages()
    for alias, files in listed.items():
        storage = available.get(alias) or available["default"]
        for name, sha in files.items():
            source = root / alias / name
            if storage.exists(name):
                storage.delete(name)
            with source.open("rb") as handle:
                stored = storage.save(name, File(handle, name=os.path.basename(name)))
            if stored != name:
                differences.append(f"fichier {alias}/{name} restauré sous un autre nom : {stored}")
                continue
            with storage.open(name, "rb") as check:
                digest = hashlib.sha256(check.read()).hexdigest()
            if digest != sha:
                differences.append(f"fichier {alias}/{name} : empreinte différente après restauration")
    return differences
