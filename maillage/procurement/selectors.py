"""What procurement's pages show, built outside the views."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from maillage.actors.models import Membership, Structure
from maillage.core.models import Commune, Territory
from maillage.core.registry import registry
from maillage.procurement.matching import candidates
from maillage.procurement.models import Need, OfferProposal, PurchaseLine, Recipient, SupplierOffer
from maillage.procurement.taxonomy import (
    DISABILITY_KINDS,
    ESS_FAMILIES,
    SIAE_KINDS,
    OfferType,
    Perimeter,
    TurnoverBand,
)


def managed_structures(user: Any, territory: Territory) -> Any:
    if not user.is_authenticated:
        return Structure.objects.none()
    return Structure.objects.filter(
        territory=territory, memberships__user=user, memberships__role=Membership.Role.MANAGER
    ).order_by("name")


def member_structures(user: Any, territory: Territory) -> Any:
    if not user.is_authenticated:
        return Structure.objects.none()
    return Structure.objects.filter(territory=territory, memberships__user=user).distinct().order_by("name")


def recipients_summary(need: Need) -> dict[str, int]:
    qs = Recipient.objects.filter(need=need).sent()
    return qs.aggregate(
        sent=Count("pk"),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
        interested=Count("pk", filter=Q(answer="interested")),
        not_interested=Count("pk", filter=Q(answer="not_interested")),
    )


def _share(part: Any, total: Any) -> float:
    return round(100 * float(part) / float(total), 1) if total else 0.0


def ledger_figures(lines: Any) -> dict[str, Any]:
    """Totals and shares of a set of purchase lines (one aggregate query)."""
    zero = Coalesce(Sum("amount"), 0, output_field=PurchaseLine._meta.get_field("amount"))
    figures = lines.aggregate(
        total=zero,
        count=Count("pk"),
        ess=Coalesce(
            Sum("amount", filter=Q(is_ess=True)), 0, output_field=PurchaseLine._meta.get_field("amount")
        ),
        siae=Coalesce(
            Sum("amount", filter=Q(is_siae=True)), 0, output_field=PurchaseLine._meta.get_field("amount")
        ),
        disability=Coalesce(
            Sum("amount", filter=Q(is_disability=True)),
            0,
            output_field=PurchaseLine._meta.get_field("amount"),
        ),
        local=Coalesce(
            Sum("amount", filter=Q(is_local=True)), 0, output_field=PurchaseLine._meta.get_field("amount")
        ),
        hours=Coalesce(Sum("clause_hours"), 0),
    )
    total = figures["total"]
    figures["shares"] = [
        ("Structures de l'ESS", figures["ess"], _share(figures["ess"], total)),
        ("Structures d'insertion (SIAE)", figures["siae"], _share(figures["siae"], total)),
        ("Entreprises adaptées et ESAT", figures["disability"], _share(figures["disability"], total)),
        ("Fournisseurs du territoire", figures["local"], _share(figures["local"], total)),
    ]
    return figures


def dashboard_context(buyer: Structure, year: int) -> dict[str, Any]:
    lines = PurchaseLine.objects.of_buyer(buyer, year)
    figures = ledger_figures(lines)
    awarded_hours = Need.objects.filter(
        buyer=buyer, award__contract_followed=True, award__notified_on__year=year
    ).aggregate(h=Coalesce(Sum("award__clause_hours"), 0))["h"]
    # `.order_by()`: the model's ordering (year, date, pk) would otherwise enter the DISTINCT and return
    # every line instead of every year.
    years = sorted(
        set(PurchaseLine.objects.filter(buyer=buyer).order_by().values_list("year", flat=True).distinct())
        | {year}
    )
    return {
        "buyer": buyer,
        "year": year,
        "years": years,
        "figures": figures,
        "awarded_hours": awarded_hours,
        "recent_lines": lines.order_by("-date", "-pk")[:20],
        "top_suppliers": lines.values("supplier_name", "supplier_siret")
        .annotate(total=Sum("amount"))
        .order_by("-total")[:10],
    }


def potential(
    *, territory: Territory, sectors: list[str], offer_type: str, commune: Any, reserved: str
) -> dict[str, Any]:
    """How many eligible suppliers of each kind exist for sectors and a place, their staff, signatories."""
    qs = candidates(
        territory=territory, sectors=sectors, offer_type=offer_type, commune=commune, reserved=reserved
    )
    badge = registry.structure_badges.get("charter")
    signatories = badge.structure_ids(territory) if badge is not None else []
    row = qs.aggregate(
        total=Count("pk", distinct=True),
        ess=Count("pk", filter=Q(family__in=ESS_FAMILIES), distinct=True),
        siae=Count("pk", filter=Q(inclusion_kind__in=sorted(SIAE_KINDS)), distinct=True),
        disability=Count("pk", filter=Q(inclusion_kind__in=sorted(DISABILITY_KINDS)), distinct=True),
        charter=Count("pk", filter=Q(pk__in=signatories), distinct=True),
    )
    row["staff"] = Structure.objects.filter(pk__in=qs.values("pk")).aggregate(
        s=Coalesce(Sum("supplier_offer__staff"), 0)
    )["s"]
    return row


def territory_ledger(territory: Territory, start: Any, end: Any) -> Any:
    return PurchaseLine.objects.filter(buyer__territory=territory, date__gte=start, date__lte=end)


OFFER_LABELS = {
    "offer_types": "Ce que la structure vend",
    "summary": "Présentation de l'offre",
    "perimeter": "Périmètre servi",
    "radius_km": "Rayon (km)",
    "communes": "Communes servies",
    "staff": "Effectif",
    "turnover_band": "Chiffre d'affaires annuel",
    "labels": "Labels et certifications",
}


def _shown(field: str, value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if field == "offer_types":
        return ", ".join(str(OfferType(t).label) for t in value.split(",") if t in OfferType.values)
    if field == "perimeter":
        return str(Perimeter(value).label) if value in Perimeter.values else str(value)
    if field == "turnover_band":
        return str(TurnoverBand(value).label) if value in TurnoverBand.values else str(value)
    if field == "communes":
        return ", ".join(Commune.objects.filter(pk__in=value).order_by("name").values_list("name", flat=True))
    if field == "labels":
        return ", ".join(value)
    return str(value)


def offer_changes(proposal: OfferProposal) -> list[dict[str, Any]]:
    """Each field of a proposed offer beside the accepted (public) one, the changed ones marked."""
    offer = SupplierOffer.objects.filter(structure_id=proposal.structure_id).first()
    current: dict[str, Any] = {}
    if offer is not None:
        current = {field: getattr(offer, field) for field in OFFER_LABELS if field != "communes"}
        current["communes"] = sorted(offer.communes.values_list("pk", flat=True))
    rows = []
    for field, label in OFFER_LABELS.items():
        old, new = current.get(field), proposal.data.get(field)
        rows.append(
            {
                "label": label,
                "old": _shown(field, old),
                "new": _shown(field, new),
                "changed": (old or None) != (new or None),
            }
        )
    return rows
