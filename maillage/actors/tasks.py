"""Background work of the directory: imports (dry run, commit) and geocoding.

A task reads and parses; every write goes through the services (`services.imports`), which this module
imports one way: services enqueue these tasks by their dotted path, they never import this module.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from django.core.files.storage import default_storage

from maillage.actors import geocoding, importers, services, sirene
from maillage.actors.models import ImportBatch, Structure
from maillage.core.actors import SystemActor, system
from maillage.core.tasks import maillage_task

logger = logging.getLogger(__name__)


UNEXPECTED_ERROR = (
    "L'import s'est arrêté sur une erreur inattendue ; l'équipe technique est prévenue. "
    "Vérifiez le fichier puis relancez l'import."
)


# --- batches (the browser's imports, run by the worker) ------------------------------------------------


def batch_actor(batch: ImportBatch) -> SystemActor:
    """Who writes a batch's rows and moves its state, as its history says it."""
    return system("import Sirene" if batch.kind == ImportBatch.Kind.SIRENE else "import de tableau")


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
    """Run a batch's dry run or commit; the status page reads `state`, `progress`, `report`, `error`.

    A commit writes per chunk (`services.import_rows`); after each chunk, the rows done and the report so
    far (its rejected rows included) are written outside the chunk's transaction, so the page shows them
    as the import goes. After a failure, the chunks already written stay; a retry finds them unchanged."""
    batch = ImportBatch.objects.select_related("territory").get(pk=batch_id)
    actor = batch_actor(batch)
    services.begin_import(actor=actor, batch=batch)
    report = importers.ImportReport()
    temp_dir = tempfile.mkdtemp(prefix="maillage-import-")
    try:
        local_paths = []
        for name in batch.files:  # the Sirene reader streams from local files
            local = Path(temp_dir) / Path(name).name
            with default_storage.open(name, "rb") as src, local.open("wb") as dst:
                shutil.copyfileobj(src, dst, 1024 * 1024)
            local_paths.append(str(local))
        rows = batch_rows(batch, local_paths)
        services.import_rows(
            actor=actor,
            territory=batch.territory,
            rows=rows,
            source=batch.source,
            commit=batch.commit,
            report=report,
            progress=lambda n: services.record_import_progress(batch=batch, done=n, report=report),
        )
    except (importers.ImportFileError, sirene.SireneFileError) as exc:
        services.fail_import(actor=actor, batch=batch, error=str(exc))
    except Exception:  # noqa: BLE001 — whatever happens, the status page must not say « en cours » forever
        logger.exception("import batch %s failed", batch.pk)
        services.fail_import(actor=actor, batch=batch, error=UNEXPECTED_ERROR)
    else:
        services.finish_import(actor=actor, batch=batch, report=report, total=len(rows))
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)
    batch.refresh_from_db()
    return batch


@maillage_task(max_attempts=1)
def run_import_task(batch_id: int) -> str:
    return run_batch(batch_id).state


@maillage_task(idempotent=True)
def fail_interrupted_imports_task() -> int:
    """Periodic: a batch whose worker died (the reaper failed its run) says « Import interrompu »."""
    return services.fail_interrupted_imports()


# --- geocoding (the HTTP call first, then a short transaction to write) ---------------------------------


def locate_structure(structure_id: int, *, allow_loopback: bool | None = None) -> str:
    """Geocode one structure (or fall back to its commune's centroid). Returns the resulting flag.

    No transaction is open during the call to the BAN: the structure is read, the address looked up, then
    `services.set_position` writes the result in its own short transaction."""
    structure = Structure.objects.select_related("commune").filter(pk=structure_id).first()
    if structure is None or structure.geocoding in (Structure.Geocoding.MANUAL, Structure.Geocoding.SOURCE):
        return structure.geocoding if structure else ""
    commune = structure.commune
    try:
        if not structure.address:
            raise geocoding.GeocodingError("Pas d'adresse.")
        result = geocoding.geocode_address(
            structure.address,
            citycode=commune.insee_code if commune else "",
            postcode=structure.postal_code,
            allow_loopback=allow_loopback,
        )
    except geocoding.GeocodingError as exc:
        logger.info("Geocoding of structure %s failed: %s", structure_id, exc)
        if commune is not None and commune.latitude is not None and commune.longitude is not None:
            services.set_position(
                structure_id=structure_id,
                latitude=commune.latitude,
                longitude=commune.longitude,
                geocoding=Structure.Geocoding.COMMUNE,
            )
            return Structure.Geocoding.COMMUNE
        return structure.geocoding
    services.set_position(
        structure_id=structure_id,
        latitude=result.latitude,
        longitude=result.longitude,
        geocoding=Structure.Geocoding.ADDRESS,
    )
    return Structure.Geocoding.ADDRESS


@maillage_task(max_attempts=2, idempotent=True)
def geocode_structure_task(structure_id: int) -> str:
    return locate_structure(structure_id)


@maillage_task(max_attempts=1, idempotent=True)
def geocode_territory_task(territory_id: int) -> dict[str, int]:
    """Batch: every structure of a territory with an address not yet geocoded at the address."""
    counts: dict[str, int] = {}
    ids = (
        Structure.objects.filter(territory_id=territory_id)
        .exclude(address="")
        .exclude(
            geocoding__in=[
                Structure.Geocoding.ADDRESS,
                Structure.Geocoding.MANUAL,
                Structure.Geocoding.SOURCE,
            ]
        )
        .values_list("pk", flat=True)
    )
    for pk in list(ids):
        flag = locate_structure(pk)
        counts[flag] = counts.get(flag, 0) + 1
    return counts
