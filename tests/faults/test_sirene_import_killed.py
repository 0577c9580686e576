"""A Sirene import whose worker is killed (#22, faults), for real: `maillage worker` runs as a process on the
PostgreSQL test database; an animator uploads a generated Sirene stock pair (zipped, INSEE's headers), the
worker runs the dry run, the animator commits it, and the worker is SIGKILLed once the first chunks are
written.

Then: the database holds whole chunks only — the structures written are a gap-free prefix of the file's valid
rows, as many as the report saved with the progress says, or one chunk more (a chunk committed just before the
kill, its progress not yet saved), written by one transaction. A new worker starts; the reaper job finds the
killed run, the periodic job `actors.interrupted_imports` says « Import interrompu »; the animator runs the
commit again and the structures are then exactly the file's valid rows, none twice.

PostgreSQL only (the CI's test-postgres stage), like tests/faults/test_registration_burst.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import signal
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import F
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bench.data.gen_sirene import PAYS_DE_GRASSE, generate
from maillage.actors import services, sirene
from maillage.actors.models import ImportBatch, MergeProposal, Structure
from maillage.actors.services.imports import IMPORT_TASK
from maillage.actors.tasks import fail_interrupted_imports_task
from maillage.core.tasks import REAPED_EXCEPTION_PATH, reap_stale_tasks_task
from tests.core.test_tasks import DB_TASKS
from tests.factories import CommuneFactory
from tests.faults.workers import finished, start_worker, stop_worker, wait_until, worker_env

pytestmark = pytest.mark.django_db(transaction=True)

ESTABLISHMENTS = 2000  # about 560 valid rows in the territory: several seconds of chunks of at most 200
KILL_AFTER_ROWS = 150  # the worker is killed once this many rows are written (at least one whole chunk)


def sirene_pair(folder: Path) -> tuple[Path, Path]:
    """A zipped Sirene pair from the bench's generator, most establishments in the territory, each legal unit
    with one establishment only (two establishments of one unit share its name: a fuzzy duplicate whose merge
    proposal is not what this test is about), every one with its coordinates (no geocoding task)."""
    etab, unit = generate(folder, ESTABLISHMENTS, local_share=0.5)
    with etab.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, seen, kept = rows[0], set(), [rows[0]]
    col = {name: i for i, name in enumerate(header)}
    for row in rows[1:]:
        if row[col["siren"]] in seen:
            continue
        seen.add(row[col["siren"]])
        for name, value in (("coordonneeLambertAbscisseEtablissement", "1025000.0"),
                            ("coordonneeLambertOrdonneeEtablissement", "6289000.0")):  # fmt: skip
            if row[col[name]] == "[ND]":
                row[col[name]] = value
        kept.append(row)
    with etab.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(kept)
    zipped = []
    for path in (etab, unit):
        target = path.with_suffix(".zip")
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            archive.write(path, path.name)
        zipped.append(target)
    return zipped[0], zipped[1]


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/zip")


def imported(territory) -> tuple[list[str], list[str]]:
    """The SIRETs of the territory's structures and of its merge proposals."""
    structures = list(
        Structure.objects.filter(territory=territory).exclude(siret="").values_list("siret", flat=True)
    )
    proposals = [p.data.get("siret", "") for p in MergeProposal.objects.filter(territory=territory)]
    return structures, proposals


def transactions_of(territory, sirets: set[str]) -> set[str]:
    """The ids of the transactions that last wrote these structures (PostgreSQL's `xmin`)."""
    table = Structure._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT xmin::text FROM {table} WHERE territory_id = %s AND siret = ANY(%s)",  # noqa: S608
            [territory.pk, list(sirets)],
        )
        return {row[0] for row in cursor.fetchall()}


def test_a_sirene_import_killed_mid_way_keeps_whole_chunks_and_finishes_on_relaunch(  # noqa: PLR0915
    territory, animator, tmp_path, settings
):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL seulement (l'étape test-postgres de la CI) : un vrai processus travailleur")
    settings.TASKS = DB_TASKS  # the queue table, which the worker process reads
    for code in PAYS_DE_GRASSE:
        territory.communes.add(CommuneFactory(insee_code=code, latitude=43.66, longitude=6.92))
    etab, unit = sirene_pair(tmp_path / "sirene")
    valid = [row.data["siret"] for row in sirene.sirene_rows(etab, unit, set(PAYS_DE_GRASSE))]
    assert len(valid) > 3 * KILL_AFTER_ROWS and len(set(valid)) == len(valid)

    env = worker_env()
    env["MAILLAGE_MEDIA_ROOT"] = str(settings.MEDIA_ROOT)  # the uploaded files, where the worker reads them
    log = tmp_path / "worker.log"
    worker = start_worker(env, log)
    try:
        batch = services.start_import(
            actor=animator, territory=territory, kind="sirene", source="", files=[upload(etab), upload(unit)],
            mapping={},
        )  # fmt: skip
        wait_until(
            lambda: ImportBatch.objects.get(pk=batch.pk).state == ImportBatch.State.CHECKED, "dry run", log
        )
        services.commit_import(actor=animator, batch=ImportBatch.objects.get(pk=batch.pk))

        def progressed() -> bool:
            current = ImportBatch.objects.get(pk=batch.pk)
            return current.state == ImportBatch.State.RUNNING and current.progress >= KILL_AFTER_ROWS

        wait_until(progressed, "the first chunks of the commit", log, step=0.01)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        began = time.monotonic()

        # Whole chunks only.
        batch.refresh_from_db()
        assert batch.state == ImportBatch.State.RUNNING, "the worker was not killed mid-import"
        structures, proposals = imported(territory)
        written, created_before = len(structures) + len(proposals), len(structures)
        assert written < len(valid), "the import had finished before the kill"
        assert sorted(structures + proposals) == sorted(valid[:written]), "not a gap-free prefix of the file"
        counts = batch.report["counts"]
        reported = counts["created"] + counts["merges"]
        assert not counts["rejected"] and reported <= batch.progress
        assert written >= reported
        if written > reported:  # a chunk committed just before the kill, its progress not saved yet
            assert len(transactions_of(territory, set(valid[reported:written]))) == 1
        print(f"killed after {batch.progress} rows saved, {written} written, of {len(valid)}")  # noqa: T201

        # A new worker; the reaper, then the periodic job, as the scheduler enqueues them.
        worker = start_worker(env, log)
        time.sleep(max(0.0, 2.5 - (time.monotonic() - began)))  # older than MAILLAGE_TASK_REAP_AFTER
        reap_stale_tasks_task.enqueue()
        wait_until(lambda: finished(reap_stale_tasks_task.module_path), "the reaper's run", log)
        reaped = DBTaskResult.objects.filter(
            task_path=IMPORT_TASK, exception_class_path=REAPED_EXCEPTION_PATH
        )
        assert reaped.count() == 1, "the killed run was not reaped"
        # The job leaves alone a batch changed in the last minute: that minute passes.
        ImportBatch.objects.filter(pk=batch.pk).update(updated_at=F("updated_at") - dt.timedelta(minutes=2))
        fail_interrupted_imports_task.enqueue()
        wait_until(
            lambda: ImportBatch.objects.get(pk=batch.pk).state == ImportBatch.State.FAILED, "échec", log
        )
        batch.refresh_from_db()
        assert batch.error.startswith("Import interrompu")

        # The animator runs it again: the rows written come out unchanged, the rest is written once.
        services.commit_import(actor=animator, batch=batch)
        wait_until(
            lambda: ImportBatch.objects.get(pk=batch.pk).state == ImportBatch.State.DONE, "the relaunch", log
        )
        structures, proposals = imported(territory)
        doubled = {s: n for s, n in Counter(structures + proposals).items() if n > 1}
        assert not doubled, f"imported twice: {doubled}"
        assert sorted(structures + proposals) == sorted(valid)
        batch.refresh_from_db()
        assert batch.report["counts"]["unchanged"] >= created_before  # found again by their SIRET
        assert not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists()
    finally:
        stop_worker(worker)
