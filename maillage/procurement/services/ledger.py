"""A buyer's purchase ledger: lines typed one by one, or imported from a CSV of the buyer's own ledger.

The file is read whole and every row checked before anything is written: a bad encoding, a missing column or
any bad row (a SIRET that does not exist — wrong length or check key —, an amount or a date that cannot be
read, a year other than the one chosen) and nothing is imported; each bad row is reported in French with its
line number. A good file replaces the lines imported before for that buyer and year (importing again is
safe), written in chunks of `CHUNK` lines, one short transaction each.

Each line is classified when written, from the directory structure that has the SIRET (or its SIREN):
ESS (an ESS family), SIAE, EA/ESAT, local (a commune of the territory: the structure's, else the file's
`code_commune`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from maillage.actors.models import Structure
from maillage.actors.taxonomy import clean_siret
from maillage.core.actors import Actor
from maillage.procurement.models import PurchaseLine
from maillage.procurement.permissions import require_buyer
from maillage.procurement.taxonomy import DISABILITY_KINDS, ESS_FAMILIES, SIAE_KINDS

CHUNK = 500
MAX_BYTES = 5 * 1024 * 1024
REQUIRED = ("siret", "montant")
COLUMNS = ("siret", "fournisseur", "montant", "date", "objet", "heures_insertion", "code_commune")


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[str] = field(default_factory=list)


def _amount(text: str) -> Decimal:
    cleaned = (
        text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "").replace(",", ".")
    )
    value = Decimal(cleaned)
    if not value.is_finite() or value < 0 or value >= Decimal("1e10"):
        raise InvalidOperation
    return value.quantize(Decimal("0.01"))


def _date(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


class _Classifier:
    def __init__(self, buyer: Structure) -> None:
        self.territory = buyer.territory
        self.local_codes = set(self.territory.communes.values_list("insee_code", flat=True))
        self.cache: dict[str, Any] = {}

    def structure(self, siret: str) -> Any:
        if siret not in self.cache:
            qs = Structure.objects.filter(territory=self.territory).select_related("commune")
            self.cache[siret] = qs.filter(siret=siret).first() or qs.filter(siren=siret[:9]).first()
        return self.cache[siret]

    def flags(self, siret: str, commune_code: str) -> dict[str, Any]:
        s = self.structure(siret)
        code = s.commune.insee_code if s is not None and s.commune is not None else commune_code
        return {
            "supplier": s,
            "is_ess": s is not None and s.family in ESS_FAMILIES,
            "is_siae": s is not None and s.inclusion_kind in SIAE_KINDS,
            "is_disability": s is not None and s.inclusion_kind in DISABILITY_KINDS,
            "is_local": bool(code) and code in self.local_codes,
        }


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "Choisissez une année entre 2000 et 2100."})


@transaction.atomic
def add_purchase(
    *,
    actor: Actor,
    buyer: Structure,
    year: int,
    siret: str,
    amount: Decimal,
    supplier_name: str = "",
    date: dt.date | None = None,
    label: str = "",
    clause_hours: int = 0,
    commune_code: str = "",
) -> PurchaseLine:
    require_buyer(actor, buyer)
    _check_year(year)
    try:
        siret = clean_siret(siret)
    except ValidationError as exc:
        raise ValidationError({"siret": exc.messages}) from exc
    if not siret:
        raise ValidationError({"siret": "Indiquez le SIRET du fournisseur."})
    if amount is None or amount < 0:
        raise ValidationError({"amount": "Le montant ne peut pas être négatif."})
    if date is not None and date.year != year:
        raise ValidationError({"date": f"La date doit être dans l'année {year}."})
    flags = _Classifier(buyer).flags(siret, commune_code)
    name = supplier_name or (flags["supplier"].name if flags["supplier"] is not None else "")
    return PurchaseLine.objects.create(
        buyer=buyer,
        year=year,
        date=date,
        supplier_siret=siret,
        supplier_name=name[:250],
        amount=amount,
        clause_hours=max(0, clause_hours),
        label=label[:300],
        **flags,
    )


def _rows(data: bytes) -> tuple[list[dict[str, str]], list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "Le fichier n'est pas encodé en UTF-8 : enregistrez-le en « CSV UTF-8 » depuis votre tableur, "
            "puis recommencez. Rien n'a été importé."
        ) from exc
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        raise ValidationError(
            f"Colonnes manquantes : {', '.join(missing)}. Le fichier doit avoir une ligne d'en-tête avec au "
            f"moins « siret » et « montant » (colonnes possibles : {', '.join(COLUMNS)}). "
            "Rien n'a été importé."
        )
    rows = [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()} for row in reader]
    return rows, headers


def import_ledger(*, actor: Actor, buyer: Structure, year: int, data: bytes) -> ImportReport:
    """Check the whole file, then (only if every row is good) write it in chunks. Raises a ValidationError
    listing every bad row (« Ligne 4 : … ») and writes nothing when one is bad."""
    require_buyer(actor, buyer)
    _check_year(year)
    if len(data) > MAX_BYTES:
        raise ValidationError("Le fichier dépasse 5 Mo. Rien n'a été importé.")
    rows, _headers = _rows(data)
    if not rows:
        raise ValidationError("Le fichier ne contient aucune ligne d'achat. Rien n'a été importé.")
    classifier = _Classifier(buyer)
    errors: list[str] = []
    lines: list[PurchaseLine] = []
    for number, row in enumerate(rows, start=2):
        problems = []
        try:
            siret = clean_siret(row.get("siret", ""))
            if not siret:
                problems.append("le SIRET du fournisseur manque")
        except ValidationError:
            siret = ""
            problems.append(
                f"le SIRET « {row.get('siret', '')} » n'existe pas (14 chiffres, clé de contrôle)"
            )
        try:
            amount = _amount(row.get("montant", ""))
        except (InvalidOperation, ValueError):
            amount = Decimal(0)
            problems.append(f"le montant « {row.get('montant', '')} » n'est pas un nombre positif")
        try:
            date = _date(row.get("date", ""))
            if date is not None and date.year != year:
                problems.append(f"la date {date:%d/%m/%Y} n'est pas dans l'année {year}")
        except ValueError:
            date = None
            problems.append(f"la date « {row.get('date', '')} » n'est pas au format JJ/MM/AAAA")
        hours_text = row.get("heures_insertion", "") or "0"
        hours = int(hours_text) if hours_text.isdigit() else -1
        if hours < 0:
            problems.append(f"les heures d'insertion « {hours_text} » ne sont pas un nombre entier")
        if problems:
            errors.append(f"Ligne {number} : " + " ; ".join(problems) + ".")
            continue
        flags = classifier.flags(siret, row.get("code_commune", ""))
        name = row.get("fournisseur") or (flags["supplier"].name if flags["supplier"] is not None else "")
        lines.append(
            PurchaseLine(
                buyer=buyer,
                year=year,
                date=date,
                supplier_siret=siret,
                supplier_name=name[:250],
                amount=amount,
                clause_hours=hours,
                label=row.get("objet", "")[:300],
                imported=True,
                **flags,
            )
        )
    if errors:
        raise ValidationError([*errors[:200], "Rien n'a été importé : corrigez ces lignes et recommencez."])
    with transaction.atomic():
        PurchaseLine.objects.filter(buyer=buyer, year=year, imported=True).delete()
    for start in range(0, len(lines), CHUNK):
        with transaction.atomic():
            PurchaseLine.objects.bulk_create(lines[start : start + CHUNK])
    return ImportReport(imported=len(lines))


@transaction.atomic
def remove_purchase(*, actor: Actor, line: PurchaseLine) -> None:
    require_buyer(actor, line.buyer)
    line.delete()
