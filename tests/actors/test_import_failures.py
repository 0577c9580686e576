"""Damaged import files (a cut zip, a Latin-1 CSV) end with a French message, on the command line and in the
browser (the import « échec », never « en cours » for ever); committed imports write per chunk."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from maillage.actors import importers, services, sirene, tasks
from maillage.actors.models import ImportBatch, Structure
from maillage.core.actors import SYSTEM
from tests.factories import CommuneFactory

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.data.gen_sirene import generate  # noqa: E402


@pytest.fixture
def communes(territory):
    territory.communes.add(CommuneFactory(insee_code="06084", latitude=43.62, longitude=6.97))
    return {"06069", "06084"}


def truncated_zip(tmp_path: Path) -> tuple[Path, Path]:
    etab, unit = generate(tmp_path, 600, local_share=0.1, zipped=True)
    data = etab.read_bytes()
    etab.write_bytes(data[: len(data) // 2])
    return etab, unit


def latin1_units(tmp_path: Path) -> tuple[Path, Path]:
    etab, unit = generate(tmp_path, 600, local_share=0.2)
    text = unit.read_text(encoding="utf-8")
    assert "É" in text  # the generator's names carry accents
    unit.write_bytes(text.encode("latin-1"))
    return etab, unit


def test_truncated_zip_gives_a_french_error(tmp_path, communes):
    etab, unit = truncated_zip(tmp_path)
    with pytest.raises(sirene.SireneFileError, match="tronquée ou endommagée"):
        sirene.sirene_rows(etab, unit, communes)


def test_zip_with_a_damaged_member_gives_a_french_error(tmp_path, communes):
    etab, unit = generate(tmp_path, 600, local_share=0.1, zipped=True)
    data = bytearray(etab.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 200] = bytes(200)  # the deflate stream is broken, the zip's index intact
    etab.write_bytes(bytes(data))
    with pytest.raises(sirene.SireneFileError, match="endommagé"):
        sirene.sirene_rows(etab, unit, communes)


def test_latin1_file_gives_a_french_error(tmp_path, communes):
    etab, unit = latin1_units(tmp_path)
    with pytest.raises(sirene.SireneFileError, match="UTF-8"):
        sirene.sirene_rows(etab, unit, communes)


@pytest.mark.parametrize("make", [truncated_zip, latin1_units])
def test_command_line_says_it_in_french(tmp_path, territory, communes, make):
    etab, unit = make(tmp_path)
    with pytest.raises(CommandError, match="Rien n'a été importé"):
        call_command("import", "sirene", str(etab), str(unit), "--territoire", territory.slug, "--valider")
    assert not Structure.objects.exclude(siret="").exists()


@pytest.mark.parametrize(("make", "reason"), [(truncated_zip, "tronquée"), (latin1_units, "UTF-8")])
def test_browser_import_fails_with_the_reason(tmp_path, territory, animator, communes, client, make, reason):
    etab, unit = make(tmp_path)
    names = [
        default_storage.save(f"private/imports/t/{p.name}", ContentFile(p.read_bytes())) for p in (etab, unit)
    ]
    batch = ImportBatch.objects.create(territory=territory, kind="sirene", source="sirene", files=names)
    batch = tasks.run_batch(batch.pk)
    assert batch.state == ImportBatch.State.FAILED
    assert reason in batch.error
    client.force_login(animator)
    page = client.get(f"/structures/import/{batch.pk}/").content.decode()
    assert "Échec" in page and reason in page
    assert "every 2s" not in page  # the page stops polling
    assert page.count("Rien n&#x27;a été importé") == 1


def test_commit_writes_per_chunk_and_reports_bad_rows(territory, monkeypatch):
    monkeypatch.setattr(importers, "CHUNK", 2)
    monkeypatch.setattr(importers, "CHUNK_SECONDS", 3600)  # chunks by rows only, however busy the machine
    text = (
        "Nom;Commune\nRessourcerie;06069\nJardins partagés;06069\nInconnue;99999\n"
        "Vélo école;06069\nCafé culturel;06069\n"
    )
    headers, data = importers.read_table(text.encode(), "x.csv")
    seen: list[int] = []
    report = services.import_rows(
        actor=SYSTEM,
        territory=territory,
        rows=importers.mapped_rows(headers, data, {"name": "Nom", "commune": "Commune"}),
        source="t",
        commit=True,
        progress=seen.append,
    )
    assert seen == [2, 4, 5]
    assert [line for line, _ in report.rejected] == [4]
    assert len(report.created) == 4
