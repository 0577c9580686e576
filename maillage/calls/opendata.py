"""The granted subsidies as SCDL « Subventions » 2.1.1 (schema.data.gouv.fr, scdl/subventions): one row
per grant; `idBeneficiaire` is the SIRET when the structure has one, `rnaBeneficiaire` its RNA number
otherwise (most small associations have no SIRET). No personal data: only structures and amounts."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from maillage.calls.models import Grant
from maillage.core.exports import neutralise
from maillage.core.models import Territory

SCDL_FIELDS = [
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "rnaBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
    "dispositifAide",
]


def _share(grant: Grant) -> str:
    """The grant's share of the project's total cost (0.01 to 1), from the application's budget."""
    expenses = sum(
        (x.amount for x in grant.application.budget_lines.all() if x.kind == "expense"), Decimal(0)
    )
    if expenses <= 0:
        return "1"
    share = max(Decimal("0.01"), min(Decimal(1), grant.amount / expenses))
    return f"{share.quantize(Decimal('0.01'))}"


def scdl_rows(territory: Territory) -> list[dict[str, str]]:
    grants = (
        Grant.objects.of_territory(territory)
        .exclude(status="cancelled")
        .select_related("application__structure", "application__call")
        .prefetch_related("instalments", "application__budget_lines")
        .order_by("convention_on", "pk")
    )
    rows = []
    for grant in grants:
        call, structure = grant.application.call, grant.application.structure
        siret = structure.siret if len(structure.siret or "") == 14 else ""
        dates = [i.due_on for i in grant.instalments.all()] or [grant.convention_on]
        period = f"{min(dates):%Y-%m-%d}" + (f"/{max(dates):%Y-%m-%d}" if max(dates) != min(dates) else "")
        rows.append(
            {
                "nomAttribuant": call.grantor_name or territory.name,
                "idAttribuant": call.grantor_siret,
                "dateConvention": f"{grant.convention_on:%Y-%m-%d}",
                "referenceDecision": f"Délibération du jury de l'appel à projets {call.year}",
                "nomBeneficiaire": structure.name,
                "idBeneficiaire": siret,
                "rnaBeneficiaire": "" if siret else (structure.rna or ""),
                "objet": grant.application.title,
                "montant": f"{grant.amount:.2f}",
                "nature": "aide en numéraire",
                "conditionsVersement": "échelonné" if grant.instalments.count() > 1 else "unique",
                "datesPeriodeVersement": period,
                "idRAE": "",
                "notificationUE": "non",
                "pourcentageSubvention": _share(grant),
                "dispositifAide": f"Appel à projets {call.year} — {call.title}"[:255],
            }
        )
    return rows


def scdl_csv(territory: Territory) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SCDL_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for row in scdl_rows(territory):
        writer.writerow({k: neutralise(v) for k, v in row.items()})
    return out.getvalue().encode("utf-8")
