"""CSV/XLSX export and import round-trip: stable ids, dry run, row errors, atomic."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from maillage.plan import services, transfer
from maillage.plan.models import Means, Node, ScheduleEntry, StatusChange
from tests.plan.factories import make_tree, make_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(territory, structure):
    version = make_version(territory, year=2025)
    objective, operational, a1, a2 = make_tree(version)
    services.update_node(actor=None, node=a1, data={"lead": structure}, partners=[structure])
    services.change_status(actor=None, node=a1, to_status="in_progress")
    services.set_progress(actor=None, node=a1, progress=30)
    return version


def exported_rows(client, year=2025, fmt="csv"):
    response = client.get(f"/contrat/{year}/export.{fmt}")
    assert response.status_code == 200
    body = b"".join(response) if response.streaming else response.content
    kind = "xlsx" if fmt == "xlsx" else "csv"
    return transfer.read_table(body, kind), body


def to_csv(rows, delimiter=","):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=transfer.HEADERS, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def snapshot():
    return (list(Node.objects.values().order_by("pk")), StatusChange.objects.count())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_unchanged_is_a_no_op(client, plan, animator, fmt):
    rows, _ = exported_rows(client, fmt=fmt)
    assert len(rows) == 4 and rows[0]["niveau"] == "objectif"
    before = snapshot()
    report = transfer.import_plan(actor=animator, version=plan, rows=rows, dry_run=False)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert snapshot() == before


def test_edited_export_updates_and_creates(client, plan, animator):
    rows, _ = exported_rows(client)
    rows[2]["intitulé"] = "Guide dynamique des acteurs"
    rows[2]["statut"] = "réalisée"
    rows[3]["avancement"] = "45"
    operational_ref = rows[1]["identifiant"]
    rows.append(
        dict.fromkeys(transfer.HEADERS, "")
        | {"parent": operational_ref, "niveau": "action", "intitulé": "Nouvelle action", "poids": "2"}
    )
    try:
        report = transfer.import_plan(actor=animator, version=plan, rows=rows, dry_run=False)
    except transfer.ImportFailed as failure:
        raise AssertionError(failure.report.errors) from None
    assert (report.created, report.updated, report.unchanged) == (1, 2, 2)
    a1 = plan.nodes.get(ref=rows[2]["identifiant"])
    assert a1.title == "Guide dynamique des acteurs" and a1.status == "done" and a1.progress == 100
    assert a1.status_changes.last().note == "Import du plan"
    assert plan.nodes.get(title="Nouvelle action").parent.ref.hex == operational_ref.replace("-", "")
    # Export again: the new node has its own stable id and the file round-trips.
    rows2, _ = exported_rows(client)
    assert len(rows2) == 5
    again = transfer.import_plan(actor=animator, version=plan, rows=rows2, dry_run=False)
    assert again.unchanged == 5


def test_dry_run_writes_nothing(client, plan, animator):
    rows, _ = exported_rows(client)
    rows[0]["intitulé"] = "Changé"
    before = snapshot()
    report = transfer.import_plan(actor=animator, version=plan, rows=rows, dry_run=True)
    assert report.updated == 1
    assert snapshot() == before


def test_row_errors_and_nothing_changed(client, plan, animator):
    rows, _ = exported_rows(client)
    rows[0]["intitulé"] = "Changé, mais une autre ligne est fausse"
    rows[2]["avancement"] = "140"
    rows[3]["parent"] = "8d5e4c1a-0000-4000-8000-000000000000"
    rows.append(dict.fromkeys(transfer.HEADERS, "") | {"niveau": "chapitre", "intitulé": "X"})
    before = snapshot()
    with pytest.raises(transfer.ImportFailed) as failure:
        transfer.import_plan(actor=animator, version=plan, rows=rows, dry_run=False)
    errors = dict(failure.value.report.errors)
    assert "0 à 100" in errors[4]
    assert "Parent inconnu" in errors[5]
    assert "valeur inconnue « chapitre »" in errors[6]
    assert snapshot() == before


def test_import_page_semicolon_csv_and_errors(client, plan, animator):
    rows, _ = exported_rows(client)
    rows[3]["statut"] = "reportée"
    browser = Client()
    browser.force_login(animator)
    upload = SimpleUploadedFile("plan.csv", to_csv(rows, delimiter=";"), content_type="text/csv")
    response = browser.post("/contrat/gestion/2025/import/", {"file": upload, "dry_run": "on"})
    assert "Simulation réussie" in response.content.decode()
    assert plan.nodes.get(ref=rows[3]["identifiant"]).status == "planned"
    upload = SimpleUploadedFile("plan.csv", to_csv(rows), content_type="text/csv")
    response = browser.post("/contrat/gestion/2025/import/", {"file": upload})
    assert response.status_code == 302
    assert plan.nodes.get(ref=rows[3]["identifiant"]).status == "postponed"
    rows[1]["parent"] = "pas-un-identifiant"
    upload = SimpleUploadedFile("plan.csv", to_csv(rows), content_type="text/csv")
    html = browser.post("/contrat/gestion/2025/import/", {"file": upload}).content.decode()
    assert "rien n'a été enregistré" in html and "Ligne 3" in html
    bad = SimpleUploadedFile("plan.csv", b"nom,prenom\nx,y\n", content_type="text/csv")
    html = browser.post("/contrat/gestion/2025/import/", {"file": bad}).content.decode()
    assert "Colonnes manquantes" in html


def test_formula_cells_survive_the_round_trip(client, plan, animator):
    rows, _ = exported_rows(client)
    rows[0]["intitulé"] = '=HYPERLINK("http://x")'
    transfer.import_plan(actor=animator, version=plan, rows=rows, dry_run=False)
    _, body = exported_rows(client)
    assert b"'=HYPERLINK" in body  # neutralised in the file…
    rows2, _ = exported_rows(client)
    assert rows2[0]["intitulé"] == '=HYPERLINK("http://x")'  # …and read back as written


# --- means and schedule entries in the same file --------------------------------------------------------


@pytest.fixture
def plan_with_items(plan):
    a1 = plan.nodes.get(title__isnull=False, kind="action", lead__isnull=False)
    services.add_means(actor=None, node=a1, kind="budget", description="Subvention", amount=Decimal("1500"))
    services.add_means(actor=None, node=a1, kind="working_time", description="Mi-temps d'animation")
    services.add_schedule_entry(
        actor=None, node=a1, label="Premier semestre", date=dt.date(2025, 1, 1), precision="semester"
    )
    return plan


def items_snapshot():
    return (
        snapshot(),
        list(Means.objects.values().order_by("pk")),
        list(ScheduleEntry.objects.values().order_by("pk")),
    )


def to_xlsx(rows):
    dataset = tablib.Dataset(headers=list(transfer.HEADERS))
    for row in rows:
        dataset.append([row.get(h, "") for h in transfer.HEADERS])
    return dataset.export("xlsx")


def test_items_are_exported_after_their_node(client, plan_with_items):
    rows, _ = exported_rows(client)
    types = [row["type"] for row in rows]
    assert types == ["nœud", "nœud", "nœud", "moyen", "moyen", "échéance", "nœud"]
    means = rows[3]
    assert means["parent"] == rows[2]["identifiant"]
    assert (means["intitulé"], means["nature"], means["montant"]) == ("Subvention", "budget", "1500.00")
    entry = rows[5]
    assert (entry["intitulé"], entry["début"], entry["précision"]) == (
        "Premier semestre",
        "2025-01-01",
        "semestre",
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_items_round_trip_unchanged(client, plan_with_items, animator, fmt):
    rows, _ = exported_rows(client, fmt=fmt)
    before = items_snapshot()
    report = transfer.import_plan(actor=animator, version=plan_with_items, rows=rows, dry_run=False)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 7)
    assert items_snapshot() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_edited_means_amount_and_schedule_label_are_updated(client, plan_with_items, animator, fmt):
    rows, _ = exported_rows(client, fmt=fmt)
    rows[3]["montant"] = "2 000,50"
    rows[5]["intitulé"] = "Second semestre"
    rows[5]["début"] = "01/07/2025"
    body = to_xlsx(rows) if fmt == "xlsx" else to_csv(rows, delimiter=";")
    edited = transfer.read_table(body, fmt)
    report = transfer.import_plan(actor=animator, version=plan_with_items, rows=edited, dry_run=False)
    assert (report.created, report.updated, report.unchanged) == (0, 2, 5)
    means = Means.objects.get(ref=rows[3]["identifiant"])
    assert (
        means.amount == Decimal("2000.50") and means.history.first().history_change_reason == "Moyen modifié"
    )
    entry = ScheduleEntry.objects.get(ref=rows[5]["identifiant"])
    assert (entry.label, entry.date) == ("Second semestre", dt.date(2025, 7, 1))


def test_new_means_row_without_identifiant_is_created(client, plan_with_items, animator):
    rows, _ = exported_rows(client)
    action_ref = rows[6]["identifiant"]
    rows.append(
        dict.fromkeys(transfer.HEADERS, "")
        | {"type": "moyen", "parent": action_ref, "intitulé": "Salle prêtée", "nature": "atelier"}
    )
    # A new node and a means hanging on it, in the same file (the means row comes first).
    rows.insert(
        0,
        dict.fromkeys(transfer.HEADERS, "")
        | {
            "type": "moyen",
            "identifiant": "11111111-2222-4333-8444-555555555555",
            "parent": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
            "intitulé": "Budget de la nouvelle action",
            "montant": "300",
        },
    )
    rows.append(
        dict.fromkeys(transfer.HEADERS, "")
        | {
            "identifiant": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
            "parent": rows[2]["identifiant"],
            "niveau": "action",
            "intitulé": "Nouvelle action",
        }
    )
    report = transfer.import_plan(actor=animator, version=plan_with_items, rows=rows, dry_run=False)
    assert report.created == 3
    salle = Means.objects.get(description="Salle prêtée")
    assert salle.kind == "atelier" and str(salle.node.ref) == action_ref and salle.amount is None
    budget = Means.objects.get(ref="11111111-2222-4333-8444-555555555555")
    assert budget.node.title == "Nouvelle action" and budget.amount == Decimal("300.00")
    again, _ = exported_rows(client)
    report = transfer.import_plan(actor=animator, version=plan_with_items, rows=again, dry_run=False)
    assert report.unchanged == len(again) == 10


def test_item_row_with_unknown_parent_is_a_french_error(client, plan_with_items, animator):
    rows, _ = exported_rows(client)
    rows[3]["montant"] = "9999"
    rows.append(
        dict.fromkeys(transfer.HEADERS, "")
        | {"type": "échéance", "parent": "8d5e4c1a-0000-4000-8000-000000000000", "intitulé": "Bilan"}
    )
    rows.append(dict.fromkeys(transfer.HEADERS, "") | {"type": "moyen", "parent": rows[0]["identifiant"]})
    rows.append(dict.fromkeys(transfer.HEADERS, "") | {"type": "chapitre", "intitulé": "X"})
    before = items_snapshot()
    with pytest.raises(transfer.ImportFailed) as failure:
        transfer.import_plan(actor=animator, version=plan_with_items, rows=rows, dry_run=False)
    errors = dict(failure.value.report.errors)
    assert "Parent inconnu « 8d5e4c1a-0000-4000-8000-000000000000 »" in errors[9]
    assert "Décrivez le moyen." in errors[10]
    assert "« type » : valeur inconnue « chapitre »" in errors[11]
    assert items_snapshot() == before


def test_old_format_file_without_type_column_still_imports(client, plan_with_items, animator):
    rows, _ = exported_rows(client)
    old_headers = [h for h in transfer.HEADERS[:16] if h != "type"]
    node_rows = [row for row in rows if row["type"] == "nœud"]
    node_rows[0]["intitulé"] = "Objectif renommé"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=old_headers, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(node_rows)
    old = transfer.read_table(out.getvalue().encode("utf-8"), "csv")
    assert "type" not in old[0]
    before_items = items_snapshot()[1:]
    report = transfer.import_plan(actor=animator, version=plan_with_items, rows=old, dry_run=False)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    assert plan_with_items.nodes.get(ref=node_rows[0]["identifiant"]).title == "Objectif renommé"
    assert items_snapshot()[1:] == before_items  # absent items are left as they are
