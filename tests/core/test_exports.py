"""The formula-safe exporter: CSV, XLSX (read back with openpyxl) and ODS (read back with tablib)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
import tablib
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from maillage.core.exports import (
    FORMULA_TRIGGERS,
    PersonalDataLog,
    export_response,
    log_personal_data,
    neutralise,
    safe_filename,
)
from maillage.core.models import PersonalDataAccess

HEADERS = ["Nom", "Commentaire", "Solde", "Date"]
ROWS = [
    ["La Ressourcerie", '=HYPERLINK("http://evil.example","clic")', -12, dt.date(2026, 3, 5)],
    ["@SUM(A1:A9)", "+33 4 93 00 00 00", Decimal("-3.5"), None],
    ["-2+3+cmd|' /C calc'!A0", "\tTabulé", 4.25, None],
    ["\rRetour", "Café « solidaire »", 0, None],
]


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_neutralise_rules():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("+1") == "'+1"
    assert neutralise("-1") == "'-1"
    assert neutralise("@cmd") == "'@cmd"
    assert neutralise("\t=1") == "'\t=1"
    assert neutralise("\r=1") == "'\r=1"
    assert neutralise("＝1+1") == "'＝1+1"
    assert neutralise("Association") == "Association"
    assert neutralise("a=b") == "a=b"
    assert neutralise(-12) == -12
    assert neutralise(-3.5) == -3.5
    assert neutralise(Decimal("-1")) == Decimal("-1")
    assert neutralise(True) is True
    assert neutralise(None) == ""


def test_aware_datetimes_are_written_in_local_time():
    value = dt.datetime(2026, 6, 1, 16, 0, tzinfo=dt.UTC)
    assert neutralise(value) == dt.datetime(2026, 6, 1, 18, 0)


@given(st.text())
def test_no_string_ever_starts_a_formula(text):
    cell = neutralise(text)
    assert isinstance(cell, str)
    assert not cell.startswith(FORMULA_TRIGGERS)
    cleaned = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)
    assert cell in (cleaned, "'" + cleaned)


def test_control_characters_cannot_hide_a_formula():
    assert neutralise("\x1f=1+1") == "'=1+1"


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.decimals(allow_nan=False)))
def test_numbers_stay_numbers(number):
    assert neutralise(number) == number


def test_csv_with_bom_and_semicolons():
    response = export_response(
        headers=HEADERS, rows=ROWS, filename="Annuaire ESS.csv", fmt="csv", delimiter=";"
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="annuaire-ess.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    body = body_of(response)
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Nom;Commentaire;Solde;Date"
    assert lines[1].startswith("La Ressourcerie;\"'=HYPERLINK(")
    assert lines[1].endswith(";-12;2026-03-05")
    assert "'@SUM(A1:A9);'+33 4 93 00 00 00;-3.5;" in text
    assert "Café « solidaire »" in text


def test_xlsx_read_back_with_openpyxl():
    response = export_response(headers=HEADERS, rows=ROWS, filename="annuaire", fmt="xlsx", title="Annuaire")
    assert response["Content-Type"] == CONTENT_XLSX
    assert response["Content-Disposition"] == 'attachment; filename="annuaire.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(body_of(response))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    types = [[cell.data_type for cell in row] for row in sheet.iter_rows()]
    assert not any(t == "f" for row in types for t in row), "no formula cell"
    assert values[1][1] == '\'=HYPERLINK("http://evil.example","clic")'
    assert values[1][2] == -12
    assert values[2][0] == "'@SUM(A1:A9)"
    assert values[2][2] == -3.5
    assert values[3][0] == "'-2+3+cmd|' /C calc'!A0"
    assert values[3][1] == "'\tTabulé"
    assert values[4][0].startswith("'") and values[4][0].endswith("Retour")  # XML turns \r into \n


CONTENT_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_ods_read_back_with_tablib():
    response = export_response(headers=HEADERS, rows=ROWS, filename="annuaire.ods", fmt="ods")
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    data = tablib.Dataset().load(body_of(response), format="ods")
    assert data.headers == HEADERS
    assert data[0][1] == '\'=HYPERLINK("http://evil.example","clic")'
    assert data[0][2] == -12
    assert data[1][0] == "'@SUM(A1:A9)"
    assert data[2][0] == "'-2+3+cmd|' /C calc'!A0"


@hypothesis_settings(deadline=None, max_examples=50)
@given(st.lists(st.text(min_size=1), min_size=1, max_size=5))
def test_xlsx_never_holds_a_formula(texts):
    response = export_response(headers=["Texte"], rows=[[t] for t in texts], filename="x", fmt="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(body_of(response))).active
    for row in sheet.iter_rows(min_row=2):
        assert row[0].data_type != "f"


def test_wrong_row_length_is_refused():
    with pytest.raises(ValueError, match="colonnes"):
        export_response(headers=["a", "b"], rows=[["x"]], filename="x", fmt="csv")


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        export_response(headers=["a"], rows=[], filename="x", fmt="pdf")  # type: ignore[arg-type]


def test_safe_filename():
    assert safe_filename("../../etc/passwd", "csv") == "etcpasswd.csv"
    assert safe_filename("Émargement réunion 12/06", "xlsx") == "emargement-reunion-1206.xlsx"
    assert safe_filename("", "ods") == "export.ods"


@pytest.mark.django_db
def test_an_export_of_personal_data_is_logged(territory, animator):
    response = export_response(
        headers=["Nom", "Courriel"],
        rows=[["Alice", "alice@example.org"], ["Bob", "bob@example.org"]],
        filename="inscrits",
        fmt="csv",
        personal_data=PersonalDataLog(actor=animator, territory=territory, what="Inscrits à la réunion"),
    )
    assert response.status_code == 200
    log = PersonalDataAccess.objects.get()
    assert (log.actor, log.territory, log.what, log.row_count) == (
        animator,
        territory,
        "Inscrits à la réunion",
        2,
    )


@pytest.mark.django_db
def test_an_export_without_personal_data_is_not_logged():
    export_response(headers=["Nom"], rows=[["La Ressourcerie"]], filename="x", fmt="csv")
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.django_db
def test_log_personal_data_hook(territory, animator):
    log_personal_data(actor=animator, territory=territory, what="Abonnés de la lettre", rows=40)
    assert PersonalDataAccess.objects.get().row_count == 40
