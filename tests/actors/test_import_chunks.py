"""Imports commit per chunk: a crash keeps the chunks written and shows the progress and the error, a retry
completes without duplicates (rows match by SIRET), progress is written outside the chunks' transactions;
the geocoder never holds a transaction during its HTTP call; batches and merge proposals follow their
machines, each move logged with its actor."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from stdnum import luhn

from maillage.actors import importers, services, tasks
from maillage.actors.models import ImportBatch, MergeProposal, Structure
from maillage.core.actors import SYSTEM, actor_label
from maillage.core.machines import TransitionError, history, transition

MAPPING = {"name": "Nom", "siret": "SIRET", "commune": "Commune"}
NAMES = [  # far enough apart that no two are taken for the same structure (fuzzy matching)
    "Atelier vélo",
    "Jardin partagé",
    "Ressourcerie",
    "Café culturel",
    "Épicerie solidaire",
    "Chantier d'insertion",
    "Coopérative bois",
    "Théâtre de rue",
    "Banque alimentaire",
]


def a_siret(n: int) -> str:
    siren = f"{80000000 + n:08d}"
    siren += luhn.calc_check_digit(siren)
    body = f"{siren}0001"
    return body + luhn.calc_check_digit(body)


def table(lines: int, bad: set[int] = frozenset()) -> str:
    """A CSV of `lines` structures with a SIRET each; the rows in `bad` have a wrong SIRET."""
    rows = ["Nom;SIRET;Commune"]
    for n in range(lines):
        rows.append(f"{NAMES[n]};{'123' if n in bad else a_siret(n)};06069")
    return "\n".join(rows) + "\n"


def table_batch(territory, text: str, *, commit: bool) -> ImportBatch:
    name = default_storage.save("private/imports/t/base.csv", ContentFile(text.encode()))
    return ImportBatch.objects.create(
        territory=territory, kind="table", source="base", files=[name], mapping=MAPPING, commit=commit
    )


@pytest.mark.django_db(transaction=True)
def test_crash_in_chunk_two_keeps_chunk_one_and_a_retry_completes(territory, animator, monkeypatch):
    monkeypatch.setattr(importers, "CHUNK", 3)
    monkeypatch.setattr(importers, "CHUNK_SECONDS", 3600)  # chunks by rows only, however busy the machine
    batch = table_batch(territory, table(8, bad={1}), commit=True)  # line 3 (the second row) is bad
    real_create = services.imports.create_structure
    created = []

    def create_then_crash(**kwargs):
        if len(created) == 2:  # the first row of the second chunk
            raise RuntimeError("the worker's disk is full")
        created.append(kwargs["data"]["name"])
        return real_create(**kwargs)

    in_transaction: list[bool] = []
    real_progress = services.imports.record_import_progress

    def watched_progress(**kwargs):
        in_transaction.append(connections["default"].in_atomic_block)
        real_progress(**kwargs)

    monkeypatch.setattr(services.imports, "create_structure", create_then_crash)
    monkeypatch.setattr(services, "record_import_progress", watched_progress)
    batch = tasks.run_batch(batch.pk)

    assert batch.state == ImportBatch.State.FAILED and "erreur inattendue" in batch.error
    assert batch.progress == 3  # the first chunk, committed and counted
    assert batch.report["counts"]["created"] == 2
    assert batch.report["rejected"] == [[3, batch.report["rejected"][0][1]]]
    assert "SIRET" in batch.report["rejected"][0][1]
    assert Structure.objects.filter(territory=territory).exclude(siret="").count() == 2
    assert in_transaction == [False]  # the progress is written outside the chunk's transaction

    monkeypatch.setattr(services.imports, "create_structure", real_create)
    services.commit_import(actor=animator, batch=batch)  # « Relancer l'import »: run by the worker on commit
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DONE
    sirets = list(
        Structure.objects.filter(territory=territory).exclude(siret="").values_list("siret", flat=True)
    )
    assert len(sirets) == len(set(sirets)) == 7
    assert batch.report["counts"] == {"created": 5, "updated": 0, "unchanged": 2, "merges": 0, "rejected": 1}
    assert in_transaction == [False] * 4
    lines = list(history(batch))
    assert [(line.from_state, line.to_state) for line in lines] == [
        ("queued", "running"),
        ("running", "failed"),
        ("failed", "queued"),
        ("queued", "running"),
        ("running", "done"),
    ]
    assert lines[2].actor == animator
    assert {line.actor_label for i, line in enumerate(lines) if i != 2} == {"Système (import de tableau)"}


def test_a_slow_chunk_is_committed_early(territory, monkeypatch):
    """On a slow machine, a chunk's transaction (the write lock) ends after CHUNK_SECONDS, not CHUNK rows."""
    monkeypatch.setattr(importers, "CHUNK_SECONDS", 0)
    headers, data = importers.read_table(table(3).encode(), "x.csv")
    seen: list[int] = []
    report = services.import_rows(
        actor=SYSTEM,
        territory=territory,
        rows=importers.mapped_rows(headers, data, MAPPING),
        source="t",
        commit=True,
        progress=seen.append,
    )
    assert seen == [1, 2, 3] and len(report.created) == 3


def test_dry_run_writes_nothing_and_sees_its_own_rows(territory):
    text = "Nom;SIRET;Commune\nAtelier;73282932000074;06069\nAtelier (bis);73282932000074;06069\n"
    headers, data = importers.read_table(text.encode(), "x.csv")
    report = services.import_rows(
        actor=SYSTEM,
        territory=territory,
        rows=list(importers.mapped_rows(headers, data, MAPPING)),
        source="t",
        commit=False,
    )
    assert not Structure.objects.filter(siret="73282932000074").exists()
    # the second row updates the structure the first one creates, as the commit will do
    assert [line for line, _ in report.created] == [2] and report.updated == [(3, "Atelier (bis)")]
    committed = services.import_rows(
        actor=SYSTEM,
        territory=territory,
        rows=list(importers.mapped_rows(headers, data, MAPPING)),
        source="t",
        commit=True,
    )
    assert committed.as_dict()["counts"] == report.as_dict()["counts"]


def test_a_value_too_long_is_refused_in_the_dry_run_too(territory):
    text = f"Nom;Commune\n{'x' * 300};06069\n"
    headers, data = importers.read_table(text.encode(), "x.csv")
    rows = list(importers.mapped_rows(headers, data, {"name": "Nom", "commune": "Commune"}))
    for commit in (False, True):
        report = services.import_rows(actor=SYSTEM, territory=territory, rows=rows, source="t", commit=commit)
        assert report.rejected and "caractères au plus" in report.rejected[0][1]


def test_batch_machine_refuses_a_forbidden_move(territory, animator):
    batch = table_batch(territory, table(2), commit=False)
    batch = tasks.run_batch(batch.pk)
    assert batch.state == ImportBatch.State.CHECKED
    services.commit_import(actor=animator, batch=batch)
    batch = tasks.run_batch(batch.pk)
    assert batch.state == ImportBatch.State.DONE
    with pytest.raises(TransitionError, match="Impossible de passer de « importé » à « en cours »"):
        transition(batch, ImportBatch.State.RUNNING, actor=SYSTEM)
    with pytest.raises(Exception, match="Seul un essai terminé peut être importé"):
        services.commit_import(actor=animator, batch=batch)


def test_merge_proposal_machine_logs_the_import_then_the_animator(territory, animator):
    services.create_structure(
        actor=animator,
        territory=territory,
        data={"name": "Atelier du Loup (association)", "commune": "06069"},
    )
    headers, data = importers.read_table(b"Nom;Commune\nL'Atelier du Loup association;06069\n", "x.csv")
    services.import_rows(
        actor=SYSTEM,
        territory=territory,
        rows=importers.mapped_rows(headers, data, {"name": "Nom", "commune": "Commune"}),
        source="import:rna",
        commit=True,
    )
    proposal = MergeProposal.objects.get()
    services.decide_merge(actor=animator, proposal=proposal, accept=True)
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.decided_by == animator
    lines = [(line.from_state, line.to_state, line.actor_label) for line in history(proposal)]
    assert lines == [("", "pending", "Système"), ("pending", "accepted", actor_label(animator))]
    with pytest.raises(Exception, match="déjà été traitée"):
        services.decide_merge(actor=animator, proposal=proposal, accept=False)


# --- the geocoder: no transaction around the network ---------------------------------------------------


class WatchingBAN(BaseHTTPRequestHandler):
    """Answers one address and notes whether the main thread's connection was inside a transaction."""

    watched = None
    seen: list[bool] = []

    def do_GET(self):  # noqa: N802
        WatchingBAN.seen.append(WatchingBAN.watched.in_atomic_block)
        body = json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "geometry": {"type": "Point", "coordinates": [6.9251, 43.6512]},
                        "properties": {
                            "label": "57 Avenue Pierre Sémard",
                            "score": 0.93,
                            "citycode": "06069",
                        },
                    }
                ],
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.mark.django_db(transaction=True)
def test_the_geocoder_calls_the_ban_outside_any_transaction(territory, animator, settings):
    server = HTTPServer(("127.0.0.1", 0), WatchingBAN)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.MAILLAGE_GEOCODER_URL = f"http://127.0.0.1:{server.server_port}"
    settings.MAILLAGE_HTTP_ALLOW_LOOPBACK = True
    settings.MAILLAGE_GEOCODER_RATE = 1000
    WatchingBAN.watched, WatchingBAN.seen = connections["default"], []  # this thread's connection
    try:
        # created by the animation: the geocoding task runs once the creation commits
        structure = services.create_structure(
            actor=animator,
            territory=territory,
            data={"name": "Trouvée", "commune": "06069", "address": "57 avenue Pierre Sémard"},
        )
        structure.refresh_from_db()
        assert structure.geocoding == "address" and structure.latitude == pytest.approx(43.6512)
        Structure.objects.filter(pk=structure.pk).update(geocoding="commune")
        assert tasks.locate_structure(structure.pk) == "address"
    finally:
        server.shutdown()
    assert WatchingBAN.seen == [False, False]
