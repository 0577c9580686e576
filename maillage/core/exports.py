"""The one exporter for tables (CSV, XLSX, ODS), safe against spreadsheet formula injection.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line feed (or their
full-width forms) would be read by Excel or LibreOffice as a formula (« =HYPERLINK(...) », « @SUM(...) »,
DDE payloads): such text gets a leading apostrophe. Numbers stay numbers (−12 stays a number), dates stay
dates; control characters that XML cannot hold are removed; aware datetimes are written in the local time
zone (spreadsheets have no time zones).

Every export that contains personal data is logged in `core.PersonalDataAccess` (who, what, how many
rows) — pass ``personal_data=PersonalDataLog(actor, territory, what)`` or call `log_personal_data()`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import tablib
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from maillage.core.models import PersonalDataAccess, Territory

ExportFormat = Literal["csv", "xlsx", "ods"]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

CONTENT_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}

_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")
# Control characters XML 1.0 (so XLSX and ODS) cannot hold; removed before the formula check.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def neutralise(value: Any) -> Any:
    """A cell value that no spreadsheet will execute. Numbers, booleans and dates pass unchanged."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date | dt.time):
        return value
    text = _CONTROL.sub("", str(value))
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def build_dataset(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = ""
) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=[neutralise(h) for h in headers], title=(title or "Export")[:31])
    for row in rows:
        cells = [neutralise(cell) for cell in row]
        if len(cells) != len(headers):
            raise ValueError(f"Une ligne a {len(cells)} colonnes au lieu de {len(headers)}.")
        dataset.append(cells)
    return dataset


def render_dataset(dataset: tablib.Dataset, fmt: ExportFormat, *, delimiter: str = ",") -> bytes:
    if fmt == "csv":
        text = dataset.export("csv", delimiter=delimiter, lineterminator="\r\n")
        return "\ufeff".encode() + text.encode("utf-8")  # the BOM makes Excel read UTF-8
    if fmt in ("xlsx", "ods"):
        return dataset.export(fmt)
    raise ValueError(f"Format d'export inconnu : {fmt}")


def safe_filename(filename: str, fmt: ExportFormat) -> str:
    stem = filename.rsplit(".", 1)[0] if filename.lower().endswith(f".{fmt}") else filename
    stem = _SAFE_FILENAME.sub("-", slugify(stem) or "export").strip("-.") or "export"
    return f"{stem[:100]}.{fmt}"


@dataclass(frozen=True)
class PersonalDataLog:
    """What to log when an export contains personal data."""

    actor: Any
    territory: Territory | None
    what: str


def log_personal_data(*, actor: Any, territory: Territory | None, what: str, rows: int) -> PersonalDataAccess:
    """Record that `actor` exported personal data (RGPD: who, what, when, how many rows)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return PersonalDataAccess.objects.create(actor=user, territory=territory, what=what[:300], row_count=rows)


def export_response(
    *,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    filename: str,
    fmt: ExportFormat = "csv",
    delimiter: str = ",",
    title: str = "",
    personal_data: PersonalDataLog | None = None,
) -> HttpResponse:
    """An HTTP download of a table. `delimiter=";"` gives the CSV French Excel opens directly."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"Format d'export inconnu : {fmt}")
    dataset = build_dataset(headers, rows, title=title)
    body = render_dataset(dataset, fmt, delimiter=delimiter)
    if personal_data is not None:
        log_personal_data(
            actor=personal_data.actor,
            territory=personal_data.territory,
            what=personal_data.what,
            rows=dataset.height,
        )
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = (
        content_disposition_header(True, safe_filename(filename, fmt)) or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
