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
from maillage.plan.models import (
    Indicator,
    Means,
    Measurement,
    Milestone,
    Node,
    NodeTransition,
    ScheduleEntry,
)

pytestmark = pytest.mark.django_db


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
    return (list(Node.objects.values().order_by("pk")), NodeTransition.objects.count())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_unchanged_is_a_no_op(client, plan, animator, fmt):
    rows, _ = exported_rows(client, fmt=fmt)
    assert len(rows) == 4 and rows[0]["niveau"] == "objectif"
    before = snapshot()
    report = services.import_plan(actor=animator, version=plan, rows=rows, dry_run=False)
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
        report = services.import_plan(actor=animator, version=plan, rows=rows, dry_run=False)
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
    again = services.import_plan(actor=animator, version=plan, rows=rows2, dry_run=False)
    assert again.unchanged == 5


def test_dry_run_writes_nothing(client, plan, animator):
    rows, _ = exported_rows(client)
    rows[0]["intitulé"] = "Changé"
    before = snapshot()
    report = services.import_plan(actor=animator, version=plan, rows=rows, dry_run=True)
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
        services.import_plan(actor=animator, version=plan, rows=rows, dry_run=False)
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
    services.import_plan(actor=animator, version=plan, rows=rows, dry_run=False)
    _, body = exported_rows(client)
    assert b"'=HYPERLINK" in body  # neutralised in the file…
    rows2, _ = exported_rows(client)
    assert rows2[0]["intitulé"] == '=HYPERLINK("http://x")'  # …and read back as written


# --- means and schedule entries in the same file --------------------------------------------------------


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
    report = services.import_plan(actor=animator, version=plan_with_items, rows=rows, dry_run=False)
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
    report = services.import_plan(actor=animator, version=plan_with_items, rows=edited, dry_run=False)
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
    report = services.import_plan(actor=animator, version=plan_with_items, rows=rows, dry_run=False)
    assert report.created == 3
    salle = Means.objects.get(description="Salle prêtée")
    assert salle.kind == "atelier" and str(salle.node.ref) == action_ref and salle.amount is None
    budget = Means.objects.get(ref="11111111-2222-4333-8444-555555555555")
    assert budget.node.title == "Nouvelle action" and budget.amount == Decimal("300.00")
    again, _ = exported_rows(client)
    report = services.import_plan(actor=animator, version=plan_with_items, rows=again, dry_run=False)
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
        services.import_plan(actor=animator, version=plan_with_items, rows=rows, dry_run=False)
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
    report = services.import_plan(actor=animator, version=plan_with_items, rows=old, dry_run=False)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    assert plan_with_items.nodes.get(ref=node_rows[0]["identifiant"]).title == "Objectif renommé"
    assert items_snapshot()[1:] == before_items  # absent items are left as they are


# --- milestones, indicators and measurements in the same file -------------------------------------------


def all_snapshot():
    return (
        items_snapshot(),
        list(Milestone.objects.values().order_by("pk")),
        list(Indicator.objects.values().order_by("pk")),
        list(Measurement.objects.values().order_by("pk")),
    )


def by_type(rows, kind):
    return [(index, row) for index, row in enumerate(rows) if row["type"] == kind]


def test_milestones_indicators_and_manual_measurements_are_exported(client, plan_with_indicators):
    rows, _ = exported_rows(client)
    types = [row["type"] for row in rows]
    assert types == [
        *["nœud"] * 3,
        "moyen",
        "moyen",
        "échéance",
        "jalon",
        "jalon",
        "indicateur",
        "mesure",
        "mesure",
        "indicateur",  # the computed indicator: its computed measurement is not in the file
        "nœud",
    ]
    action = rows[2]
    launch, printed = rows[6], rows[7]
    assert launch["parent"] == action["identifiant"]
    assert (launch["intitulé"], launch["début"], launch["précision"], launch["atteint le"]) == (
        "Lancement",
        "2025-06-15",
        "jour",
        "2025-06-20",
    )
    assert (printed["précision"], printed["atteint le"]) == ("mois", "")
    manual = rows[8]
    assert (
        manual["intitulé"],
        manual["unité"],
        manual["valeur de départ"],
        manual["cible"],
        manual["échéance de la cible"],
        manual["calcul automatique"],
    ) == ("Structures recensées", "structures", "40.00", "120.50", "2026-06-30", "")
    measure = rows[10]
    assert measure["parent"] == manual["identifiant"]
    assert (measure["début"], measure["valeur"], measure["intitulé"]) == (
        "2025-10-01",
        "71.50",
        "Après le forum",
    )
    assert rows[11]["calcul automatique"] == "plan.actions_done"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_unedited_export_with_indicators_reimports_as_a_no_op(client, plan_with_indicators, animator, fmt):
    rows, _ = exported_rows(client, fmt=fmt)
    before = all_snapshot()
    report = services.import_plan(actor=animator, version=plan_with_indicators, rows=rows, dry_run=False)
    assert (report.created, report.updated, report.unchanged) == (0, 0, len(rows) == 13 and 13)
    assert report.changes == []
    assert all_snapshot() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_edited_milestone_indicator_and_measurement_are_updated_not_duplicated(
    client, plan_with_indicators, animator, fmt
):
    rows, _ = exported_rows(client, fmt=fmt)
    (_, printed), *_ = [(i, r) for i, r in by_type(rows, "jalon") if r["intitulé"] == "Guide imprimé"]
    printed["atteint le"] = "02/09/2025"
    printed["intitulé"] = "Guide imprimé et diffusé"
    (_, manual), (_, computed) = by_type(rows, "indicateur")
    manual["cible"] = "150"
    manual["échéance de la cible"] = "31/12/2026"
    computed["calcul automatique"] = "plan.actions_in_progress"
    (_, first), _ = by_type(rows, "mesure")
    first["valeur"] = "56,25"
    body = to_xlsx(rows) if fmt == "xlsx" else to_csv(rows, delimiter=";")
    edited = transfer.read_table(body, fmt)
    counts = (Milestone.objects.count(), Indicator.objects.count(), Measurement.objects.count())
    report = services.import_plan(actor=animator, version=plan_with_indicators, rows=edited, dry_run=False)
    assert (report.created, report.updated, report.unchanged) == (0, 4, 9)
    assert (Milestone.objects.count(), Indicator.objects.count(), Measurement.objects.count()) == counts
    milestone = Milestone.objects.get(ref=printed["identifiant"])
    assert (milestone.title, milestone.reached_on) == ("Guide imprimé et diffusé", dt.date(2025, 9, 2))
    assert milestone.history.first().history_change_reason == "Jalon modifié"
    indicator = Indicator.objects.get(ref=manual["identifiant"])
    assert (indicator.target, indicator.target_date) == (Decimal("150.00"), dt.date(2026, 12, 31))
    assert indicator.history.first().history_change_reason == "Indicateur modifié"
    assert Indicator.objects.get(ref=computed["identifiant"]).metric_key == "plan.actions_in_progress"
    measurement = Measurement.objects.get(ref=first["identifiant"])
    assert measurement.value == Decimal("56.25") and measurement.source == "manual"
    assert [(line, effect) for line, effect, _ in report.changes] == [
        (9, "modification"),
        (10, "modification"),
        (11, "modification"),
        (13, "modification"),
    ]
    # The file exported after the import re-imports as a no-op.
    again, _ = exported_rows(client, fmt=fmt)
    before = all_snapshot()
    report = services.import_plan(actor=animator, version=plan_with_indicators, rows=again, dry_run=False)
    assert report.unchanged == len(again) == 13 and all_snapshot() == before


def test_new_indicator_with_its_measurements_and_a_new_milestone(client, plan_with_indicators, animator):
    rows, _ = exported_rows(client)
    action_ref = rows[2]["identifiant"]
    new_ref = "0f0f0f0f-1111-4222-8333-444444444444"
    blank = dict.fromkeys(transfer.HEADERS, "")
    # The measurement comes before its indicator in the file: measurements are applied after indicators.
    rows.insert(
        0,
        blank | {"type": "mesure", "parent": new_ref, "début": "2025-09-30", "valeur": "3", "intitulé": "T3"},
    )
    rows.append(
        blank
        | {
            "type": "indicateur",
            "identifiant": new_ref,
            "parent": action_ref,
            "intitulé": "Ateliers tenus",
            "unité": "ateliers",
            "valeur de départ": "0",
            "cible": "12",
            "échéance de la cible": "2026-05-31",
        }
    )
    rows.append(blank | {"type": "mesure", "parent": new_ref, "début": "31/12/2025", "valeur": "5"})
    rows.append(blank | {"type": "jalon", "parent": action_ref, "intitulé": "Bilan", "début": "2025-12-15"})
    report = services.import_plan(actor=animator, version=plan_with_indicators, rows=rows, dry_run=True)
    assert report.created == 4
    assert [effect for _, effect, _ in report.changes] == ["création"] * 4
    assert not Indicator.objects.filter(title="Ateliers tenus").exists()  # dry run: nothing written
    report = services.import_plan(actor=animator, version=plan_with_indicators, rows=rows, dry_run=False)
    indicator = Indicator.objects.get(ref=new_ref)
    assert str(indicator.node.ref) == action_ref and indicator.target == Decimal("12.00")
    assert [(m.date, m.value, m.note) for m in indicator.measurements.all()] == [
        (dt.date(2025, 9, 30), Decimal("3.00"), "T3"),
        (dt.date(2025, 12, 31), Decimal("5.00"), ""),
    ]
    assert Milestone.objects.get(title="Bilan").precision == "day"
    again, _ = exported_rows(client)
    assert len(again) == len(rows)
    report = services.import_plan(actor=animator, version=plan_with_indicators, rows=again, dry_run=False)
    assert report.unchanged == len(again)


def test_bad_milestone_indicator_and_measurement_rows_are_french_errors(
    client, plan_with_indicators, animator
):
    rows, _ = exported_rows(client)
    action_ref, objective_ref = rows[2]["identifiant"], rows[0]["identifiant"]
    (_, manual), (_, computed) = by_type(rows, "indicateur")
    rows[0]["intitulé"] = "Changé, mais d'autres lignes sont fausses"
    blank = dict.fromkeys(transfer.HEADERS, "")
    unknown = "8d5e4c1a-0000-4000-8000-000000000000"
    bad = [
        blank | {"type": "mesure", "parent": manual["identifiant"], "valeur": "3"},  # no date
        blank | {"type": "mesure", "parent": unknown, "début": "2025-09-01", "valeur": "3"},
        blank
        | {"type": "mesure", "parent": manual["identifiant"], "début": "2025-09-01", "valeur": "beaucoup"},
        blank | {"type": "mesure", "parent": manual["identifiant"], "début": "2099-01-01", "valeur": "3"},
        blank
        | {"type": "indicateur", "parent": action_ref, "intitulé": "X", "calcul automatique": "plan.nope"},
        blank
        | {"type": "indicateur", "parent": action_ref, "intitulé": "X", "échéance de la cible": "31/02/2026"},
        blank | {"type": "indicateur", "parent": unknown, "intitulé": "X"},
        blank
        | {"type": "jalon", "parent": objective_ref, "intitulé": "Sur un objectif", "début": "2025-09-01"},
        blank | {"type": "jalon", "parent": action_ref, "intitulé": "Sans date"},
        blank
        | {
            "type": "jalon",
            "parent": action_ref,
            "intitulé": "En cours",
            "début": "2025-09-01",
            "précision": "en cours",
        },
    ]
    rows.extend(bad)
    first = len(rows) - len(bad) + 2  # the line of the first bad row (line 1 is the header)
    # A computed measurement cannot be imported, even by naming its identifiant.
    computed_measurement = Measurement.objects.get(source="computed")
    rows.append(
        blank
        | {
            "type": "mesure",
            "identifiant": str(computed_measurement.ref),
            "parent": computed["identifiant"],
            "début": "2025-08-01",
            "valeur": "9",
        }
    )
    before = all_snapshot()
    with pytest.raises(transfer.ImportFailed) as failure:
        services.import_plan(actor=animator, version=plan_with_indicators, rows=rows, dry_run=False)
    errors = dict(failure.value.report.errors)
    assert "Une mesure a une date" in errors[first]
    assert f"Indicateur inconnu « {unknown} »" in errors[first + 1]
    assert "« valeur » est un nombre, pas « beaucoup »" in errors[first + 2]
    assert "dans le futur" in errors[first + 3]
    assert "calcul inconnu « plan.nope »" in errors[first + 4]
    assert "« échéance de la cible » : date illisible « 31/02/2026 »" in errors[first + 5]
    assert f"Parent inconnu « {unknown} »" in errors[first + 6]
    assert "Les jalons se posent sur les actions." in errors[first + 7]
    assert "Un jalon a une date." in errors[first + 8]
    assert "un jalon a une date" in errors[first + 9]
    assert "calculée par la plateforme" in errors[first + 10]
    assert len(errors) == 11
    assert all_snapshot() == before


def test_item_cannot_move_to_another_parent(client, plan_with_indicators, animator):
    rows, _ = exported_rows(client)
    (_, first), _ = by_type(rows, "mesure")
    (_, _manual), (_, computed) = by_type(rows, "indicateur")
    first["parent"] = computed["identifiant"]
    (_, milestone), _ = by_type(rows, "jalon")
    milestone["parent"] = rows[-1]["identifiant"]  # the other action
    with pytest.raises(transfer.ImportFailed) as failure:
        services.import_plan(actor=animator, version=plan_with_indicators, rows=rows, dry_run=False)
    messages = " ".join(m for _, m in failure.value.report.errors)
    assert "ne la rattache pas à un autre indicateur" in messages
    assert "Ce jalon se rattache au nœud" in messages


def test_import_page_dry_run_lists_changes_line_by_line(client, plan_with_indicators, animator):
    rows, _ = exported_rows(client)
    (_, manual), _ = by_type(rows, "indicateur")
    manual["cible"] = "200"
    browser = Client()
    browser.force_login(animator)
    upload = SimpleUploadedFile("plan.csv", to_csv(rows), content_type="text/csv")
    html = browser.post("/contrat/gestion/2025/import/", {"file": upload, "dry_run": "on"}).content.decode()
    assert "Simulation réussie" in html
    assert "<td>10</td>" in html and "indicateur « Structures recensées »" in html
    assert Indicator.objects.get(ref=manual["identifiant"]).target == Decimal("120.50")
    assert "calcul automatique" in html  # the column list is explained
