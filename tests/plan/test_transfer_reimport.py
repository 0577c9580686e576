"""Importing never silently duplicates: a file of another installation (same plan, other identifiants)
updates the plan it matches; a damaged XLSX is a French message and changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from maillage.plan import demo, services, transfer
from maillage.plan.models import Indicator, Means, Measurement, Milestone, Node, PlanVersion, ScheduleEntry
from tests.plan.test_transfer import (
    all_snapshot,
    exported_rows,
    to_csv,
)

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def other_installation(rows):
    """The same file as another installation exports it: every identifiant differs (consistently)."""
    fresh: dict[str, str] = {}

    def remap(value: str) -> str:
        return fresh.setdefault(value, str(uuid.uuid4())) if value else ""

    return [row | {"identifiant": remap(row["identifiant"]), "parent": remap(row["parent"])} for row in rows]


def counts(version):
    return (
        Node.objects.filter(version=version).count(),
        Means.objects.filter(node__version=version).count(),
        ScheduleEntry.objects.filter(node__version=version).count(),
        Milestone.objects.filter(node__version=version).count(),
        Indicator.objects.filter(node__version=version).count(),
        Measurement.objects.filter(indicator__node__version=version).count(),
    )


def numbers_are_unique(version) -> bool:
    numbers = [n for n in Node.objects.filter(version=version).values_list("number", flat=True) if n]
    return len(numbers) == len(set(numbers))


def test_another_installations_file_imported_twice_keeps_the_count(client, plan_with_indicators, animator):
    rows = other_installation(exported_rows(client)[0])
    before = counts(plan_with_indicators)
    for _ in range(2):
        report = services.import_plan(actor=animator, version=plan_with_indicators, rows=rows, dry_run=False)
        assert report.created == 0, report.changes
        assert counts(plan_with_indicators) == before
    assert numbers_are_unique(plan_with_indicators)

    # Edited there, imported here: the matching elements are updated.
    rows[2]["intitulé"] = "Guide dynamique des acteurs"
    rows[9]["valeur"] = "60"  # the measurement of 2025-07-01
    report = services.import_plan(actor=animator, version=plan_with_indicators, rows=rows, dry_run=False)
    assert (report.created, report.updated) == (0, 2)
    assert plan_with_indicators.nodes.get(number="1.1.1").title == "Guide dynamique des acteurs"
    assert Measurement.objects.get(date=dt.date(2025, 7, 1)).value == 60
    assert counts(plan_with_indicators) == before


def test_a_row_without_identifiant_updates_the_node_of_its_number(client, plan, animator):
    rows, _ = exported_rows(client)
    rows[3]["identifiant"] = ""
    rows[3]["intitulé"] = "Rendez-vous mensuels de l'ESS"
    report = services.import_plan(actor=animator, version=plan, rows=rows, dry_run=False)
    assert (report.created, report.updated) == (0, 1)
    assert plan.nodes.count() == 4
    assert plan.nodes.get(number="1.1.2").title == "Rendez-vous mensuels de l'ESS"


def test_two_rows_naming_one_element_or_a_number_of_another_level_are_refused(client, plan, animator):
    rows, _ = exported_rows(client)
    before = all_snapshot()
    twice = rows + [rows[3] | {"identifiant": str(uuid.uuid4()), "intitulé": "Doublon"}]
    with pytest.raises(transfer.ImportFailed) as failure:
        services.import_plan(actor=animator, version=plan, rows=twice, dry_run=False)
    (error,) = failure.value.report.errors
    assert error == (
        6,
        "Cette ligne désigne le même élément du plan que la ligne 5 : un élément n'apparaît qu'une fois "
        "dans le fichier.",
    )
    other_level = rows + [
        dict.fromkeys(transfer.HEADERS, "")
        | {"parent": rows[1]["identifiant"], "niveau": "action", "numéro": "1.1", "intitulé": "Nouvelle"}
    ]
    with pytest.raises(transfer.ImportFailed) as failure:
        services.import_plan(actor=animator, version=plan, rows=other_level, dry_run=False)
    ((line, message),) = failure.value.report.errors
    assert line == 6 and message.startswith(
        "Le numéro « 1.1 » est déjà celui de l'objectif opérationnel « Recenser les acteurs » du plan 2025"
    )
    assert all_snapshot() == before


def test_the_demo_plan_from_another_installation_imported_twice(territory, animator):
    demo.load(today=dt.date(2026, 11, 22), context={})
    version = PlanVersion.objects.get(year=2025)
    before = counts(version)
    assert before[0] == 33
    exported = [dict(zip(transfer.HEADERS, row, strict=True)) for row in transfer.export_rows(version)]
    rows = other_installation(transfer.read_table(to_csv(exported), "csv"))
    for _ in range(2):
        report = services.import_plan(actor=animator, version=version, rows=rows, dry_run=False)
        assert report.created == 0
        assert counts(version) == before
    assert numbers_are_unique(version)


def damaged_xlsx(client) -> list[tuple[str, bytes]]:
    _, good = exported_rows(client, fmt="xlsx")
    rewritten = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(rewritten, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(
                name, b"<worksheet><sheetData><row" if name.startswith("xl/worksheets/") else data
            )
    return [("tronqué", good[: len(good) // 2]), ("feuille illisible", rewritten.getvalue())]


def test_a_damaged_xlsx_is_a_french_error_and_changes_nothing(client, plan_with_indicators, animator):
    browser = Client()
    browser.force_login(animator)
    before = all_snapshot()
    for label, body in damaged_xlsx(client):
        upload = SimpleUploadedFile("plan.xlsx", body, content_type=XLSX)
        response = browser.post("/contrat/gestion/2025/import/", {"file": upload})
        assert response.status_code == 200, label
        page = response.content.decode()
        if label == "tronqué":  # the upload check stops it: its archive does not even open
            assert "Ce fichier est endommagé ou incomplet" in page, label
        else:
            assert "Le fichier XLSX est illisible ou endommagé : rien n&#x27;a été importé." in page, label
        assert all_snapshot() == before
