"""SCDL « Subventions » 2.1.1: the export validates against the schema with frictionless; rnaBeneficiaire
when the beneficiary has no SIRET; the public laureates page."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from frictionless import Resource, Schema

from maillage.calls import services
from maillage.calls.opendata import SCDL_FIELDS, scdl_csv
from tests.calls.factories import SYS, close_and_check, eligible, open_call
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db
SCHEMA_PATH = Path("/work/shared/data/scdl-subventions-schema.json")
if not SCHEMA_PATH.exists():  # the copy beside the repository (../shared)
    SCHEMA_PATH = Path(__file__).resolve().parents[3] / "shared" / "data" / "scdl-subventions-schema.json"


def _validate(data: bytes):
    fields = json.loads(SCHEMA_PATH.read_text())["fields"]
    return Resource(data=data, format="csv", schema=Schema.from_descriptor({"fields": fields})).validate()


@pytest.fixture
def decided(territory, structure):
    call = open_call(
        territory, grantor_name="Communauté d'agglomération du Pays de Grasse", grantor_siret="20003969800016"
    )
    structure.siret = "73282932000074"
    structure.save(update_fields=["siret"])
    small = StructureFactory(territory=territory, name="Les Jardins partagés", siret="", rna="W061234567")
    a = eligible(call, structure, title="Atelier vélo")
    b = eligible(call, small, title="Jardin pédagogique", amount=3000)
    call = close_and_check(call, a, b)
    services.deliberate(actor=SYS, call=call, amounts={a.pk: 4000, b.pk: 3000}, minutes="PV")
    return call


def test_the_export_is_valid_scdl(decided):
    data = scdl_csv(decided.territory)
    report = _validate(data)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert list(rows[0]) == SCDL_FIELDS
    by_name = {r["nomBeneficiaire"]: r for r in rows}
    assert by_name["Les Jardins partagés"]["idBeneficiaire"] == ""
    assert by_name["Les Jardins partagés"]["rnaBeneficiaire"] == "W061234567"
    assert by_name["La Ressourcerie du Pays de Grasse"]["idBeneficiaire"] == "73282932000074"
    assert by_name["Atelier vélo" and "La Ressourcerie du Pays de Grasse"]["montant"] == "4000.00"
    assert by_name["Les Jardins partagés"]["conditionsVersement"] == "échelonné"


def test_the_validation_catches_a_broken_export(decided):
    """The check can fail: without the grantor's SIRET the export is not valid SCDL."""
    decided.grantor_siret = ""
    decided.save(update_fields=["grantor_siret"])
    report = _validate(scdl_csv(decided.territory))
    assert not report.valid
    assert sorted({e[0] for e in report.flatten(["fieldName"])}) == ["idAttribuant"]


def test_laureates_page_and_csv_download(decided, client):
    page = client.get("/appels-a-projets/laureats/").content.decode()
    assert "Jardin pédagogique" in page and "3 000 €" in page
    response = client.get("/appels-a-projets/subventions-scdl.csv")
    assert response["Content-Type"].startswith("text/csv") and b"W061234567" in response.content
