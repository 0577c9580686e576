"""Imports started from the browser (the dry run, then the commit)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from importlib import import_module
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction

from maillage.accounts.models import User
from maillage.actors.models import (
    ImportBatch,
    ImportMapping,
)
from maillage.actors.services.base import _is_animation
from maillage.core.models import Territory
from maillage.core.tasks import enqueue_on_commit
from maillage.core.uploads import safe_name

# --- imports (the browser's) -------------------------------------------------------------------------


IMPORT_MAX_BYTES = 2 * 1024**3  # a zipped national Sirene stock file is about 2 GB


@transaction.atomic
def start_import(
    *,
    actor: User,
    territory: Territory,
    kind: str,
    source: str,
    files: list[Any],
    mapping: Mapping[str, str],
) -> ImportBatch:
    """Store the files privately and queue the dry run (the status page follows it)."""
    if not _is_animation(actor, territory):
        raise PermissionDenied("Seule l'animation du territoire importe des structures.")
    if kind not in ImportBatch.Kind.values:
        raise ValidationError({"kind": "Type d'import inconnu."})
    for upload in files:
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError({"file": "Ce fichier dépasse 2 Go."})
        if not upload.name.lower().endswith((".csv", ".xlsx", ".ods", ".zip")):
            raise ValidationError({"file": "Formats acceptés : CSV, XLSX, ODS, ou ZIP pour Sirene."})
    source = " ".join(source.split())[:100]
    if kind == ImportBatch.Kind.TABLE:
        saved = ImportMapping.objects.filter(territory=territory, name=source).first()
        if not mapping and saved is None:
            raise ValidationError({"mapping": "Indiquez la correspondance des colonnes pour cette source."})
        if mapping:
            ImportMapping.objects.update_or_create(
                territory=territory, name=source, defaults={"mapping": mapping}
            )
        else:
            mapping = saved.mapping
    folder = f"private/imports/{uuid.uuid4().hex}"
    names = [default_storage.save(f"{folder}/{safe_name(f.name)}", f) for f in files]
    batch = ImportBatch.objects.create(
        territory=territory,
        kind=kind,
        source=source if kind == ImportBatch.Kind.TABLE else (source or "sirene"),
        files=names,
        mapping=dict(mapping),
        created_by=actor,
    )
    enqueue_on_commit(import_task_ref(), batch.pk)
    return batch


@transaction.atomic
def commit_import(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """After a dry run the animator read, run it for good (same files, same mapping)."""
    if not _is_animation(actor, batch.territory):
        raise PermissionDenied("Seule l'animation du territoire importe des structures.")
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != ImportBatch.State.CHECKED:
        raise ValidationError("Seul un essai terminé peut être importé.")
    batch.commit = True
    batch.state = ImportBatch.State.QUEUED
    batch.save(update_fields=["commit", "state", "updated_at"])
    enqueue_on_commit(import_task_ref(), batch.pk)
    return batch


def import_task_ref() -> Any:
    """The import task (defined in tasks.py, which imports this module)."""
    return import_module("maillage.actors.tasks").run_import_task
