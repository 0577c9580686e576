"""Background work of the directory: imports (dry run, commit) and geocoding (re-exported)."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from django.core.files.storage import default_storage

from maillage.actors import importers, sirene
from maillage.actors.geocoding import geocode_structure_task, geocode_territory_task
from maillage.actors.models import ImportBatch
from maillage.core.tasks import maillage_task

logger = logging.getLogger(__name__)

__all__ = ["geocode_structure_task", "geocode_territory_task", "run_batch", "run_import_task"]


# --- batches (the browser's imports, run by the worker) ------------------------------------------------


def batch_rows(batch: ImportBatch, local_paths: list[str]) -> list[importers.ImportRow]:
    if batch.kind == ImportBatch.Kind.SIRENE:
        communes = set(batch.territory.communes.values_list("insee_code", flat=True))
        return sirene.sirene_rows(local_paths[0], local_paths[1], communes)
    name = batch.files[0]
    with default_storage.open(name, "rb") as handle:
        data = handle.read()
    headers, rows = importers.read_table(data, name)
    return list(importers.mapped_rows(headers, rows, batch.mapping))


def run_batch(batch_id: int) -> ImportBatch:
    """Run a batch's dry run or commit; the status page reads `state`, `progress`, `report`, `error`."""
    batch = ImportBatch.objects.select_related("territory").get(pk=batch_id)
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.RUNNING, progress=0, error="")
    temp_dir = tempfile.mkdtemp(prefix="maillage-import-")
    try:
        local_paths = []
        for name in batch.files:  # the Sirene reader streams from local files
            local = Path(temp_dir) / Path(name).name
            with default_storage.open(name, "rb") as src, local.open("wb") as dst:
                shutil.copyfileobj(src, dst, 1024 * 1024)
            local_paths.append(str(local))
        rows = batch_rows(batch, local_paths)
        report = importers.import_rows(
            territory=batch.territory,
            rows=rows,
            source=batch.source,
            commit=batch.commit,
            progress=lambda n: ImportBatch.objects.filter(pk=batch.pk).update(progress=n),
        )
    except (importers.ImportFileError, sirene.SireneFileError) as exc:
        ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.FAILED, error=str(exc))
    except Exception:  # noqa: BLE001 — whatever happens, the status page must not say « en cours » forever
        logger.exception("import batch %s failed", batch.pk)
        ImportBatch.objects.filter(pk=batch.pk).update(
            state=ImportBatch.State.FAILED,
            error=(
                "L'import s'est arrêté sur une erreur inattendue ; l'équipe technique est prévenue. "
                "Vérifiez le fichier puis relancez l'import."
            ),
        )
    else:
        state = ImportBatch.State.DONE if batch.commit else ImportBatch.State.CHECKED
        ImportBatch.objects.filter(pk=batch.pk).update(
            state=state, report=report.as_dict(), progress=len(rows)
        )
        if batch.commit:
            for name in batch.files:
                default_storage.delete(name)
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)
    batch.refresh_from_db()
    return batch


@maillage_task(max_attempts=1)
def run_import_task(batch_id: int) -> str:
    return run_batch(batch_id).state
