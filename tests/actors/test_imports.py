"""Imports: tables with a mapping (dry run, commit, bad files), Sirene stock files (filters, zip, truncation,
Lambert-93), deduplication and provenance."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from maillage.actors import importers, services, sirene, tasks
from maillage.actors.models import ImportBatch, MergeProposal, Structure
from maillage.core.actors import SYSTEM
from tests.factories import CommuneFactory

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.data.gen_sirene import generate  # noqa: E402

CSV = (
    "Nom;SIRET;RNA;Commune;Secteurs\n"
    "Atelier du Loup;73282932000074;;06069;reemploi\n"
    "Les Amis du Jardin;;W061234567;06069;alimentation\n"
    "Sans commune connue;;;99999;\n"
    "Mauvais SIRET;123;;06069;\n"
)
MAPPING = {"name": "Nom", "siret": "SIRET", "rna": "RNA", "commune": "Commune", "sectors": "Secteurs"}


def rows(text: str = CSV):
    headers, data = importers.read_table(text.encode(), "base.csv")
    return list(importers.mapped_rows(headers, data, MAPPING))


def test_dry_run_reports_and_changes_nothing_then_commit_is_idempotent(territory):
    report = services.import_rows(
        actor=SYSTEM, territory=territory, rows=rows(), source="import:bdis", commit=False
    )
    assert [line for line, _ in report.created] == [2, 3]
    assert [line for line, _ in report.rejected] == [4, 5]
    assert "commune" in report.rejected[0][1].lower() and "SIRET" in report.rejected[1][1]
    assert (
        not Structure.objects.filter(territory=territory).exclude(slug__startswith="la-ressourcerie").exists()
    )
    report = services.import_rows(
        actor=SYSTEM, territory=territory, rows=rows(), source="import:bdis", commit=True
    )
    assert len(report.created) == 2
    atelier = Structure.objects.get(siret="73282932000074")
    assert atelier.status == "published" and atelier.sector_keys == ["reemploi"]
    assert atelier.provenance["name"]["source"] == "import:bdis"
    again = services.import_rows(
        actor=SYSTEM, territory=territory, rows=rows(), source="import:bdis", commit=True
    )
    assert not again.created and again.unchanged == 2


def test_manager_edits_are_never_overwritten(territory, manager, structure):
    services.update_structure(
        actor=manager, structure=structure, data={"siret": "73282932000074", "name": "Notre nom"}
    )
    services.import_rows(actor=SYSTEM, territory=territory, rows=rows(), source="import:bdis", commit=True)
    structure.refresh_from_db()
    assert structure.name == "Notre nom"


def test_fuzzy_duplicates_become_merge_proposals(territory, animator):
    existing = services.create_structure(
        actor=animator,
        territory=territory,
        data={"name": "Atelier du Loup (association)", "commune": "06069"},
    )
    text = "Nom;Commune\nL'Atelier du Loup association;06069\n"
    headers, data = importers.read_table(text.encode(), "x.csv")
    mapping = {"name": "Nom", "commune": "Commune"}
    report = services.import_rows(
        actor=SYSTEM,
        territory=territory,
        rows=importers.mapped_rows(headers, data, mapping),
        source="import:rna",
        commit=True,
    )
    assert not report.created and len(report.merges) == 1
    services.import_rows(  # the same file again (an import relaunched after its worker was killed)
        actor=SYSTEM,
        territory=territory,
        rows=importers.mapped_rows(headers, data, mapping),
        source="import:rna",
        commit=True,
    )
    proposal = MergeProposal.objects.get()  # proposed once
    assert proposal.structure == existing
    services.decide_merge(actor=animator, proposal=proposal, accept=False)
    assert Structure.objects.filter(name="L'Atelier du Loup association").exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        ("Nom;Commune\nÉcole;06069\n".encode("cp1252"), "x.csv", "UTF-8"),
        (b"Nom Commune\nA B\n", "x.csv", "séparateur"),
        (b"PK\x03\x04garbage", "x.xlsx", "illisible"),
    ],
)
def test_bad_files_get_a_french_message(data, name, message):
    with pytest.raises(importers.ImportFileError, match=message):
        importers.read_table(data, name)


def test_xlsx_table(territory):
    import tablib

    dataset = tablib.Dataset(headers=["Nom", "Commune"])
    dataset.append(["Coopérative des collines", "06069"])
    headers, data = importers.read_table(dataset.export("xlsx"), "t.xlsx")
    parsed = list(importers.mapped_rows(headers, data, {"name": "Nom", "commune": "Commune"}))
    assert parsed[0].data == {"name": "Coopérative des collines", "commune": "06069"}


# --- Sirene ------------------------------------------------------------------------------------------


@pytest.fixture
def grasse_communes(territory):
    for code in ["06084", "06095"]:
        territory.communes.add(CommuneFactory(insee_code=code, latitude=43.62, longitude=6.97))
    return {"06069", "06084", "06095"}


@pytest.mark.parametrize("zipped", [False, True])
def test_sirene_pair_filters_and_joins(tmp_path, grasse_communes, zipped):
    etab, unit = generate(tmp_path, 3000, local_share=0.05, zipped=zipped)
    stats = sirene.SireneStats()
    result = sirene.sirene_rows(etab, unit, grasse_communes, stats=stats)
    assert stats.establishment_rows == 3000 and stats.unit_rows == 2400
    assert result and all(r.data["commune"] in grasse_communes for r in result)
    names = " ".join(r.data["name"] for r in result)
    assert "Dupont" not in names and "DUPONT" not in names  # natural persons skipped
    with_coords = [r for r in result if r.latitude is not None]
    assert with_coords and all(43.4 < r.latitude < 43.9 and 6.7 < r.longitude < 7.2 for r in with_coords)
    assert any(r.latitude is None for r in result)


def test_sirene_truncated_file_imports_nothing(tmp_path, territory, grasse_communes):
    etab, unit = generate(tmp_path, 500, local_share=0.2)
    text = etab.read_text()
    etab.write_text(text[: len(text) - 40])
    with pytest.raises(sirene.SireneFileError, match="tronqué"):
        sirene.sirene_rows(etab, unit, grasse_communes)


def test_sirene_wrong_file(tmp_path, grasse_communes):
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(sirene.SireneFileError, match="colonnes attendues"):
        sirene.sirene_rows(bad, bad, grasse_communes)


def test_sirene_batch_through_the_task(tmp_path, territory, animator, grasse_communes):
    etab, unit = generate(tmp_path, 1000, local_share=0.1, zipped=True)
    names = [
        default_storage.save(f"private/imports/t/{p.name}", ContentFile(p.read_bytes())) for p in (etab, unit)
    ]
    batch = ImportBatch.objects.create(territory=territory, kind="sirene", source="sirene", files=names)
    batch = tasks.run_batch(batch.pk)
    assert batch.state == "checked" and batch.report["counts"]["created"] > 0
    assert not Structure.objects.filter(provenance__has_key="siret").exists()
    services.commit_import(actor=animator, batch=batch)
    batch = tasks.run_batch(batch.pk)
    assert batch.state == "done"
    imported = Structure.objects.filter(territory=territory).exclude(siret="")
    assert imported.count() == batch.report["counts"]["created"]
    assert imported.filter(geocoding="source").exists() and imported.filter(geocoding="commune").exists()


def test_browser_import_dry_run_then_commit(territory, animator, client, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(animator)
    upload = SimpleUploadedFile("bdis.csv", CSV.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/structures/import/",
            {
                "kind": "table",
                "source": "BDIS",
                "file": upload,
                "mapping": "\n".join(f"{k}={v}" for k, v in MAPPING.items()),
            },
        )
    assert response.status_code == 302
    batch = ImportBatch.objects.get(source="BDIS")
    assert batch.state == "checked" and batch.report["counts"] == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "merges": 0,
        "rejected": 2,
    }
    page = client.get(response["Location"]).content.decode()
    assert "Ligne 4" in page and "Importer pour de bon" in page
    assert not Structure.objects.filter(name="Atelier du Loup").exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"])
    batch.refresh_from_db()
    assert batch.state == "done" and Structure.objects.filter(name="Atelier du Loup").exists()


def test_import_command(tmp_path, territory, grasse_communes):
    from django.core.management import call_command

    etab, unit = generate(tmp_path, 800, local_share=0.1, zipped=True)
    call_command("import", "sirene", str(etab), str(unit), "--territoire", territory.slug)
    assert not Structure.objects.exclude(siret="").exists()
    call_command("import", "sirene", str(etab), str(unit), "--territoire", territory.slug, "--valider")
    assert Structure.objects.exclude(siret="").exists()


def test_a_website_that_is_not_an_http_address_is_refused(territory):
    """A « Site internet » column is shown as a link on the profile: a javascript: address must not pass."""
    text = (
        "Nom;Commune;Site internet\n"
        "Le Lien Piégé;06069;javascript:alert(document.cookie)\n"
        "Le Bon Lien;06069;https://bon-lien.exemple.org\n"
        "Sans Schéma;06069;www.sans-schema.exemple.org\n"
    )
    mapping = {"name": "Nom", "commune": "Commune", "website": "Site internet"}
    headers, data = importers.read_table(text.encode(), "sites.csv")
    parsed = list(importers.mapped_rows(headers, data, mapping))
    report = services.import_rows(
        actor=SYSTEM, territory=territory, rows=parsed, source="import:t", commit=True
    )
    assert [line for line, _ in report.rejected] == [2]
    assert "site internet" in report.rejected[0][1].lower()
    assert not Structure.objects.filter(name="Le Lien Piégé").exists()
    assert Structure.objects.get(name="Le Bon Lien").website == "https://bon-lien.exemple.org"
    assert Structure.objects.get(name="Sans Schéma").website == "https://www.sans-schema.exemple.org"
