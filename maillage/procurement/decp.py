"""Awarded contracts as DECP 2.0.3 (« données essentielles de la commande publique »): the JSON published on
data.gouv.fr. `considerationsSociales` is set from the need: « Marché réservé » for a reserved need, « Clause
sociale » when it asked for social-clause hours, else « Pas de considération sociale »."""

from __future__ import annotations

from typing import Any

from maillage.procurement.models import Award, Need
from maillage.procurement.taxonomy import NeedKind, OfferType

CCAG = {
    OfferType.WORKS: "Travaux",
    OfferType.GOODS: "Fournitures courantes et services",
    OfferType.SERVICES: "Fournitures courantes et services",
    OfferType.STAFFING: "Fournitures courantes et services",
}
PROCEDURE = {
    NeedKind.TENDER: "Appel d'offres ouvert",
    NeedKind.QUOTE: "Procédure adaptée",
    NeedKind.SOURCING: "Procédure adaptée",
}


def social_considerations(need: Need) -> list[str]:
    found = []
    if need.reserved:
        found.append("Marché réservé")
    if need.clause_hours:
        found.append("Clause sociale")
    return found or ["Pas de considération sociale"]


def marche(award: Award) -> dict[str, Any]:
    need = award.need
    supplier = award.supplier
    assert supplier is not None and award.amount is not None and award.notified_on is not None
    place = (
        need.commune.insee_code
        if need.commune
        else (need.buyer.commune.insee_code if need.buyer.commune else "")
    )
    data: dict[str, Any] = {
        "id": award.reference,
        "acheteur": {"id": need.buyer.siret},
        "nature": "Marché",
        "objet": need.title[:1000],
        "codeCPV": award.cpv,
        "techniques": {"technique": ["Sans objet"]},
        "modalitesExecution": {"modaliteExecution": ["Sans objet"]},
        "marcheInnovant": False,
        "ccag": CCAG.get(need.offer_type, "Pas de CCAG"),
        "offresRecues": award.offers_received,
        "attributionAvance": False,
        "typeGroupementOperateurs": "Pas de groupement",
        "procedure": PROCEDURE.get(need.kind, "Procédure adaptée"),
        "lieuExecution": {"code": place, "typeCode": "Code commune"},
        "dureeMois": award.duration_months,
        "dateNotification": award.notified_on.isoformat(),
        "datePublicationDonnees": (award.published_on or award.notified_on).isoformat(),
        "montant": float(award.amount),
        "typesPrix": {"typePrix": ["Définitif ferme"]},
        "formePrix": "Forfaitaire",
        "sousTraitanceDeclaree": False,
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": supplier.siret}}],
        "considerationsSociales": {"considerationSociale": social_considerations(need)},
        "considerationsEnvironnementales": {
            "considerationEnvironnementale": ["Pas de considération environnementale"]
        },
    }
    return data


def exportable(awards: Any) -> Any:
    """Awards a DECP record can be made of: a contract, a supplier and a buyer with SIRETs."""
    return (
        awards.filter(contract_followed=True, supplier__isnull=False)
        .exclude(supplier__siret="")
        .exclude(need__buyer__siret="")
        .select_related("need__buyer__commune", "need__commune", "supplier")
    )


def document(awards: Any) -> dict[str, Any]:
    return {"marches": {"marche": [marche(a) for a in exportable(awards)]}}
