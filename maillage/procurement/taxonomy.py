"""The vocabularies of responsible procurement: offer types, perimeters, turnover bands, need kinds, and the
reserved contracts of the Code de la commande publique.

Reserved-contract eligibility is never typed by hand: it is derived from the structure's inclusion kind,
through the groups of `maillage.actors.taxonomy.INCLUSION_KINDS`:

- article L2113-12 (entreprises adaptées, ESAT): the « handicap » group, EA and ESAT;
- article L2113-13 (structures d'insertion par l'activité économique): the « iae » group (ACI, AI, EI, ETTI,
  EITI).

The EATT (entreprise adaptée de travail temporaire, an experiment) is in the « handicap » group of the
directory but is not named by the article; it is left out, as the issue asks (EA and ESAT only).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.actors.taxonomy import INCLUSION_KINDS


class OfferType(models.TextChoices):
    GOODS = "goods", _("fournitures")
    SERVICES = "services", _("services")
    WORKS = "works", _("travaux")
    STAFFING = "staffing", _("mise à disposition de personnel")


class Perimeter(models.TextChoices):
    COMMUNES = "communes", _("des communes du territoire")
    RADIUS = "radius", _("un rayon autour de la structure")
    DEPARTMENT = "department", _("le département")
    FRANCE = "france", _("France entière")


class TurnoverBand(models.TextChoices):
    UNKNOWN = "", _("non renseigné")
    UNDER_100K = "lt100k", _("moins de 100 000 €")
    TO_500K = "lt500k", _("100 000 à 500 000 €")
    TO_2M = "lt2m", _("500 000 à 2 millions €")
    OVER_2M = "gt2m", _("plus de 2 millions €")


class NeedKind(models.TextChoices):
    TENDER = "tender", _("appel d'offres")
    QUOTE = "quote", _("demande de devis")
    SOURCING = "sourcing", _("sourcing")


class Reserved(models.TextChoices):
    NONE = "", _("aucun (marché ouvert à tous)")
    L2113_12 = "L2113-12", _("réservé aux entreprises adaptées et ESAT (article L2113-12)")
    L2113_13 = "L2113-13", _("réservé aux structures d'insertion (SIAE, article L2113-13)")


_EXCLUDED_FROM_L2113_12 = {"EATT"}

RESERVED_KINDS: dict[str, frozenset[str]] = {
    Reserved.L2113_12: frozenset(
        k.code
        for k in INCLUSION_KINDS.values()
        if k.group == "handicap" and k.code not in _EXCLUDED_FROM_L2113_12
    ),
    Reserved.L2113_13: frozenset(k.code for k in INCLUSION_KINDS.values() if k.group == "iae"),
}


def eligible_kinds(reserved: str) -> frozenset[str] | None:
    """The inclusion kinds a reserved contract is open to; None when the need is not reserved."""
    if not reserved:
        return None
    return RESERVED_KINDS[reserved]


def reservations_of(inclusion_kind: str) -> list[str]:
    """The reserved contracts a structure of this inclusion kind may answer (derived, never typed)."""
    return [str(key) for key, kinds in RESERVED_KINDS.items() if inclusion_kind in kinds]


def reservation_labels(inclusion_kind: str) -> list[str]:
    return [str(Reserved(key).label) for key in reservations_of(inclusion_kind)]


SIAE_KINDS = RESERVED_KINDS[Reserved.L2113_13]
DISABILITY_KINDS = RESERVED_KINDS[Reserved.L2113_12]
ESS_FAMILIES = ("association", "cooperative", "mutuelle", "fondation", "societe_ess")


def offer_bits(offer_types: str) -> int:
    """The offer types of ",goods,services," as one integer, a bit per type in `OfferType` order (the
    matching's narrow rows test a type with `offer_bits & bit`)."""
    listed = set(offer_types.split(","))
    return sum(1 << n for n, value in enumerate(OfferType.values) if value in listed)
