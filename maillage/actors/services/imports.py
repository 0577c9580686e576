"""Writes of the imports: batches (start, commit or retry, their states, their progress), the rows they
write, merge proposals and their decision, the saved column mappings.

A committed import writes per chunk of `importers.CHUNK` rows, each chunk one short transaction: no chunk
holds SQLite's write lock for long, so the site goes on writing meanwhile. A row is matched by SIRET/RNA
before it is written, so a retry after a crash finds the rows already written and counts them « inchangées »
(no duplicate). The progress — rows done, the report so far with its rejected rows — is written between
chunks, outside their transactions, so the status page shows it as it goes. The dry run writes no row at all
(`importers.plan_row`). Batches and merge proposals change state only through their machines.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from itertools import chain, islice
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from maillage.accounts.models import User
from maillage.actors import importers
from maillage.actors.importers import Action, Changes, ImportReport, ImportRow, MatchIndex, RowPlan
from maillage.actors.models import Decision, ImportBatch, ImportMapping, MergeProposal, Structure
from maillage.actors.services.base import _set_sectors, clean_structure_data
from maillage.actors.services.indexing import directory_changed, index_structure
from maillage.actors.services.structures import create_structure
from maillage.core.actors import Actor, is_system, system, user_of
from maillage.core.db import lock_row
from maillage.core.machines import log_creation, transition
from maillage.core.models import Territory
from maillage.core.tasks import enqueue_with_transaction
from maillage.core.uploads import safe_name

logger = logging.getLogger(__name__)

IMPORT_TASK = "maillage.actors.tasks.run_import_task"  # enqueued by path: tasks import services, not back
IMPORT_MAX_BYTES = 2 * 1024**3  # a zipped national Sirene stock file is about 2 GB
REFUSED_BY_DATABASE = "Ligne refusée par la base de données (valeur trop longue ?)."


# --- batches -------------------------------------------------------------------------------------------


def _is_animator(actor: Actor, territory: Territory) -> bool:
    return isinstance(actor, User) and actor.is_animator_of(territory)


def _check_importer(actor: Actor, territory: Territory) -> None:
    if not is_system(actor) and not _is_animator(actor, territory):
        raise PermissionDenied("Seule l'animation du territoire importe des structures.")


@transaction.atomic
def save_import_mapping(*, actor: Actor, territory: Territory, name: str, mapping: Mapping[str, str]) -> None:
    """Remember a source's column mapping (the next file of the same source reuses it)."""
    _check_importer(actor, territory)
    ImportMapping.objects.update_or_create(
        territory=territory, name=name, defaults={"mapping": dict(mapping)}
    )


@transaction.atomic
def start_import(
    *,
    actor: Actor,
    territory: Territory,
    kind: str,
    source: str,
    files: list[Any],
    mapping: Mapping[str, str],
) -> ImportBatch:
    """Store the files privately and queue the dry run (the status page follows it)."""
    _check_importer(actor, territory)
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
            save_import_mapping(actor=actor, territory=territory, name=source, mapping=mapping)
        elif saved is not None:
            mapping = saved.mapping
    folder = f"private/imports/{uuid.uuid4().hex}"
    names = [default_storage.save(f"{folder}/{safe_name(f.name)}", f) for f in files]
    batch = ImportBatch.objects.create(
        territory=territory,
        kind=kind,
        source=source if kind == ImportBatch.Kind.TABLE else (source or "sirene"),
        files=names,
        mapping=dict(mapping),
        created_by=actor if isinstance(actor, User) else None,
    )
    log_creation(batch, actor=actor, note="Essai demandé")
    enqueue_with_transaction(IMPORT_TASK, batch.pk)
    return batch


@transaction.atomic
def commit_import(*, actor: Actor, batch: ImportBatch) -> ImportBatch:
    """After a dry run the animator read, run it for good (same files, same mapping). A commit that failed
    midway may be run again: the rows already written come out unchanged, the import goes on after them."""
    _check_importer(actor, batch.territory)
    batch = lock_row(ImportBatch.objects.select_related("territory"), batch.pk)
    retry = batch.state == ImportBatch.State.FAILED and batch.commit
    if batch.state != ImportBatch.State.CHECKED and not retry:
        raise ValidationError("Seul un essai terminé peut être importé.")
    transition(
        batch,
        ImportBatch.State.QUEUED,
        actor=actor,
        note="Import relancé" if retry else "Import pour de bon",
        also={"commit": True, "error": ""},
    )
    enqueue_with_transaction(IMPORT_TASK, batch.pk)
    return batch


def begin_import(*, actor: Actor, batch: ImportBatch) -> ImportBatch:
    """The worker takes the batch: « en cours », progress from zero."""
    return transition(
        batch, ImportBatch.State.RUNNING, actor=actor, also={"progress": 0, "error": "", "report": {}}
    )


def record_import_progress(*, batch: ImportBatch, done: int, report: ImportReport) -> None:
    """Rows done and the report so far (rejected rows included), for the status page. Called between chunks,
    outside their transactions: each call commits at once (not a state change: no log line)."""
    ImportBatch.objects.filter(pk=batch.pk).update(
        progress=done, report=report.as_dict(), updated_at=timezone.now()
    )


@transaction.atomic
def finish_import(*, actor: Actor, batch: ImportBatch, report: ImportReport, total: int) -> ImportBatch:
    """Dry run → « essai terminé »; commit → « importé », and the uploaded files are deleted."""
    state = ImportBatch.State.DONE if batch.commit else ImportBatch.State.CHECKED
    batch = transition(batch, state, actor=actor, also={"report": report.as_dict(), "progress": total})
    if batch.commit:
        transaction.on_commit(partial(_delete_files, list(batch.files)))
    return batch


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


# The status page adds what was written and that a commit may be run again (the rows written stay).
INTERRUPTED = "Import interrompu : le processus qui l'exécutait s'est arrêté."


def fail_interrupted_imports(*, now: dt.datetime | None = None) -> int:
    """Batches « en file » or « en cours » that no task will ever finish — their worker was killed (the reaper
    then marks its run failed) or the web process died before queueing it — go to « échec » with a clear
    reason, so that the status page does not say « en cours » forever and a commit can be run again. Batches
    changed in the last minute are left alone (their task may be about to be queued). Returns how many."""
    now = now or timezone.now()
    live = DBTaskResult.objects.filter(
        task_path=IMPORT_TASK, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    )
    alive = {row.args_kwargs["args"][0] for row in live.only("args_kwargs") if row.args_kwargs.get("args")}
    stale = ImportBatch.objects.filter(
        state__in=[ImportBatch.State.QUEUED, ImportBatch.State.RUNNING],
        updated_at__lt=now - dt.timedelta(minutes=1),
    ).exclude(pk__in=alive)
    count = 0
    for batch in stale:
        fail_import(actor=system("import interrompu"), batch=batch, error=INTERRUPTED)
        count += 1
    return count


def fail_import(*, actor: Actor, batch: ImportBatch, error: str) -> ImportBatch:
    """« échec » with its French reason; the progress and the report of the chunks written stay."""
    return transition(batch, ImportBatch.State.FAILED, actor=actor, note=error[:300], also={"error": error})


# --- rows ----------------------------------------------------------------------------------------------


def _clean(territory: Territory, row: ImportRow) -> tuple[dict[str, Any], list[str]]:
    """The row validated as a structure's data (a French ValidationError otherwise)."""
    return importers.prepare(row, clean_structure_data(territory, row.data))


def write_changes(structure: Structure, changes: Changes, source: str) -> None:
    """Write what an import changes in a structure (see `importers.import_changes`), with its provenance."""
    if not changes:
        return
    for name, value in changes.fields.items():
        setattr(structure, name, value)
    if changes.position is not None:
        structure.latitude, structure.longitude = changes.position
        structure.geocoding = Structure.Geocoding.SOURCE
    stamp = timezone.now().date().isoformat()
    for name in changes.names:
        structure.provenance[name] = {"source": source, "at": stamp}
    structure._change_reason = f"Import {source}"  # type: ignore[attr-defined]  # read by simple_history
    structure.save()
    if changes.sectors is not None:
        _set_sectors(structure, changes.sectors)


def _apply(actor: Actor, territory: Territory, index: MatchIndex, plan: RowPlan, source: str) -> None:
    """Write one planned row, in the caller's transaction."""
    if plan.action == Action.UPDATE and plan.structure_id is not None:
        structure = Structure.objects.select_related("commune").get(pk=plan.structure_id)
        write_changes(structure, plan.changes, source)
        index_structure(structure)
    elif plan.action == Action.MERGE and plan.structure_id is not None:
        data = importers.merge_data(plan)
        pending = MergeProposal.objects.filter(structure_id=plan.structure_id, status=Decision.PENDING)
        if pending.filter(data=data).exists():  # proposed by an earlier run (relaunched after a kill)
            return
        proposal = MergeProposal.objects.create(
            territory=territory, structure_id=plan.structure_id, data=data, source=source, score=plan.score
        )
        log_creation(proposal, actor=actor, note=f"Import {source}")
    elif plan.action == Action.CREATE:
        structure = create_structure(
            actor=actor,
            territory=territory,
            data=plan.cleaned,
            sectors=plan.sectors,
            source=source,
            position=plan.position,
        )
        if plan.cleaned.get("naf_code"):
            Structure.objects.filter(pk=structure.pk).update(naf_code=plan.cleaned["naf_code"])
        index.add(structure.pk, structure.siret, structure.rna, structure.name, structure.commune_id)
        plan.name = structure.name


def _write_row(
    actor: Actor, territory: Territory, index: MatchIndex, row: ImportRow, source: str, report: ImportReport
) -> None:
    """One row in its own savepoint: a row the database refuses is reported, the others go on."""
    try:
        cleaned, sectors = _clean(territory, row)
        with transaction.atomic():
            plan = importers.plan_row(index, row, cleaned, sectors)
            _apply(actor, territory, index, plan, source)
    except ValidationError as exc:
        report.rejected.append((row.line, " ".join(exc.messages)))
    except DatabaseError:
        logger.exception("import row %s refused by the database", row.line)
        report.rejected.append((row.line, REFUSED_BY_DATABASE))
    else:
        importers.report_plan(plan, report)


def _plan_row(territory: Territory, index: MatchIndex, row: ImportRow, report: ImportReport) -> None:
    """One row of a dry run: planned and counted, nothing written."""
    try:
        cleaned, sectors = _clean(territory, row)
    except ValidationError as exc:
        report.rejected.append((row.line, " ".join(exc.messages)))
        return
    plan = importers.plan_row(index, row, cleaned, sectors)
    if plan.action == Action.CREATE:
        index.plan_creation(plan)
    importers.report_plan(plan, report)


def _write_chunk(
    actor: Actor,
    territory: Territory,
    index: MatchIndex,
    rows: Iterator[ImportRow],
    source: str,
    report: ImportReport,
) -> int:
    """Write the next rows in one transaction: `importers.CHUNK` rows, or fewer once the transaction has
    lasted `importers.CHUNK_SECONDS` (on a slow or busy machine the write lock is still let go often).
    Returns the number of rows taken."""
    count = 0
    with transaction.atomic():
        started = time.monotonic()
        for row in rows:
            _write_row(actor, territory, index, row, source, report)
            count += 1
            if count >= importers.CHUNK or time.monotonic() - started >= importers.CHUNK_SECONDS:
                break
        if count:
            directory_changed(territory.pk)
    return count


def import_rows(
    *,
    actor: Actor,
    territory: Territory,
    rows: Iterable[ImportRow],
    source: str,
    commit: bool,
    progress: Callable[[int], None] | None = None,
    report: ImportReport | None = None,
) -> ImportReport:
    """Run the rows. commit=False is the dry run: nothing is written, and its report is what the commit will
    do. commit=True writes per chunk (`_write_chunk`), one short transaction each; a re-run is idempotent
    (rows already imported match by SIRET/RNA and come out « inchangées »). After each chunk, outside its
    transaction, `report` (given by the caller, or a new one) holds the committed rows and `progress(n)` is
    called with the number of rows done."""
    report = report if report is not None else ImportReport()
    index = MatchIndex(territory)
    iterator = iter(rows)
    done = 0
    while (first := next(iterator, None)) is not None:  # no transaction opened for nothing at the end
        chunk = chain([first], iterator)
        chunk_report = ImportReport()
        if commit:
            count = _write_chunk(actor, territory, index, chunk, source, chunk_report)
        else:
            count = 0
            for row in islice(chunk, importers.CHUNK):
                _plan_row(territory, index, row, chunk_report)
                count += 1
        report.extend(chunk_report)  # only once the chunk is committed
        done += count
        if progress is not None:
            progress(done)
        if commit:
            time.sleep(importers.CHUNK_PAUSE)  # let a waiting writer in before the next chunk
    report.committed = commit
    return report


# --- merge proposals -------------------------------------------------------------------------------------


@transaction.atomic
def decide_merge(*, actor: Actor, proposal: MergeProposal, accept: bool) -> Structure:
    """Accept: fill the structure's empty or imported fields from the row. Reject: create a new structure."""
    if not is_system(actor) and not _is_animator(actor, proposal.territory):
        raise ValidationError("Seule l'animation du territoire décide des fusions.")
    proposal = lock_row(MergeProposal.objects.select_related("territory"), proposal.pk)
    if proposal.status != Decision.PENDING:
        raise ValidationError("Cette proposition a déjà été traitée.")
    row = importers.row_of_merge(proposal.data)
    cleaned = clean_structure_data(proposal.territory, row.data)
    if accept:
        structure = Structure.objects.select_related("commune").get(pk=proposal.structure_id)
        changes = importers.import_changes(structure, structure.sector_keys, cleaned, row.sectors, row)
        write_changes(structure, changes, proposal.source)
        index_structure(structure)
    else:
        structure = create_structure(
            actor=actor,
            territory=proposal.territory,
            data=cleaned,
            sectors=row.sectors,
            source=proposal.source,
        )
    transition(
        proposal,
        Decision.ACCEPTED if accept else Decision.REFUSED,
        actor=actor,
        also={"decided_by": user_of(actor)},
    )
    return structure


@transaction.atomic
def example_import_batch(*, actor: Actor, territory: Territory) -> ImportBatch:
    """A checked batch with one created and one rejected row (the registry's example page); idempotent."""
    _check_importer(actor, territory)
    batch, created = ImportBatch.objects.get_or_create(
        territory=territory,
        source="exemple",
        defaults={
            "kind": "table",
            "state": "checked",
            "report": {
                "counts": {"created": 1, "updated": 0, "unchanged": 0, "merges": 0, "rejected": 1},
                "created": [[2, "Exemple"]],
                "updated": [],
                "merges": [],
                "rejected": [[3, "SIRET invalide"]],
            },
        },
    )
    if created:
        log_creation(batch, actor=actor, note="exemple du registre")
    return batch
