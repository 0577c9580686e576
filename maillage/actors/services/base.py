"""Shared pieces of the actors' services: the editable fields, validation, duplicates, slugs, who is who
and who hears of what (e-mail lists)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from maillage.actors import taxonomy
from maillage.actors.models import (
    Membership,
    Structure,
    StructureSector,
)
from maillage.actors.permissions import is_animation as _is_animation  # noqa: F401  (services/imports.py)
from maillage.core.actors import Actor, user_of
from maillage.core.models import Commune, Territory

logger = logging.getLogger("maillage.actors.services")


SEARCH_KIND = "structure"
PRACTICE_KIND = "practice"

# The fields a structure's form edits (and a moderated proposal may change), in display order.
EDITABLE_FIELDS = [
    "name",
    "siren",
    "siret",
    "rna",
    "legal_form",
    "family",
    "inclusion_kind",
    "esus",
    "workforce_band",
    "labels",
    "address",
    "postal_code",
    "commune",
    "description",
    "website",
    "public_email",
    "public_phone",
    "contact_name",
    "contact_email",
    "contact_phone",
]
ADDRESS_FIELDS = {"address", "postal_code", "commune"}


class DuplicateStructure(ValidationError):
    """A structure with the same SIRET or RNA already exists: ask to manage it instead."""

    def __init__(self, existing: Structure) -> None:
        self.existing = existing
        super().__init__(
            f"Une fiche existe déjà pour ce numéro SIRET ou RNA : « {existing.name} ». "
            "Demandez-en la gestion plutôt que d'en créer une seconde.",
            code="duplicate",
        )


# --- validation ---------------------------------------------------------------------------------------


def clean_structure_data(territory: Territory, data: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise and validate a structure's fields; raise a French ValidationError (per field)."""
    cleaned = dict(data)
    errors: dict[str, list[str]] = {}
    for field, cleaner in (
        ("siret", taxonomy.clean_siret),
        ("siren", taxonomy.clean_siren),
        ("rna", taxonomy.clean_rna),
        ("legal_form", taxonomy.clean_legal_form),
    ):
        if field in cleaned:
            try:
                cleaned[field] = cleaner(cleaned[field] or "")
            except ValidationError as exc:
                errors[field] = exc.messages
    if cleaned.get("siret") and not cleaned.get("siren"):
        cleaned["siren"] = cleaned["siret"][:9]
    if cleaned.get("siret") and cleaned.get("siren") and cleaned["siret"][:9] != cleaned["siren"]:
        errors.setdefault("siren", []).append("Le SIREN doit être le début du SIRET.")
    if cleaned.get("website"):
        # Shown as a link on the profile: only an http(s) address (an import's column is not a form field).
        cleaned["website"] = str(cleaned["website"]).strip()
        if ":" not in cleaned["website"]:  # « www.exemple.org », as a form would take it
            cleaned["website"] = "https://" + cleaned["website"]
        try:
            URLValidator(schemes=["http", "https"])(cleaned["website"])
        except ValidationError:
            errors["website"] = ["Site internet : indiquez une adresse qui commence par https:// ou http://."]
    if "name" in cleaned:
        cleaned["name"] = " ".join(str(cleaned["name"] or "").split())
        if not cleaned["name"]:
            errors["name"] = ["Indiquez le nom de la structure."]
    if cleaned.get("family") and cleaned["family"] not in Structure.Family.values:
        errors["family"] = ["Cette famille de l'ESS n'existe pas."]
    if cleaned.get("inclusion_kind") and cleaned["inclusion_kind"] not in taxonomy.INCLUSION_KINDS:
        errors["inclusion_kind"] = ["Ce type de structure inclusive n'existe pas."]
    if cleaned.get("workforce_band") and cleaned["workforce_band"] not in taxonomy.WORKFORCE_BANDS:
        errors["workforce_band"] = ["Cette tranche d'effectif n'existe pas."]
    commune = cleaned.get("commune")
    if commune is not None and not isinstance(commune, Commune):
        commune = Commune.objects.filter(insee_code=str(commune)).first()
        if commune is None:
            errors["commune"] = ["Cette commune est inconnue."]
        cleaned["commune"] = commune
    if commune is not None and not territory.communes.filter(pk=commune.pk).exists():
        errors["commune"] = ["Cette commune n'est pas dans le territoire."]
    if "labels" in cleaned:
        labels = cleaned["labels"]
        if isinstance(labels, str):
            labels = labels.split(",")
        cleaned["labels"] = [" ".join(str(x).split()) for x in labels if str(x).strip()][:20]
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_sectors(sectors: Iterable[str] | None) -> list[str]:
    keys = list(dict.fromkeys(sectors or []))
    unknown = [k for k in keys if k not in taxonomy.SECTORS]
    if unknown:
        raise ValidationError({"sectors": ["Secteur inconnu : {}.".format(", ".join(unknown))]})
    return keys


def find_duplicate(territory: Territory, *, siret: str = "", rna: str = "", exclude: int | None = None):
    query = Structure.objects.filter(territory=territory)
    if exclude is not None:
        query = query.exclude(pk=exclude)
    if siret:
        found = query.filter(siret=siret).first()
        if found is not None:
            return found
    if rna:
        return query.filter(rna=rna).first()
    return None


def unique_slug(
    territory: Territory, name: str, *, model: type[models.Model] = Structure, **scope: Any
) -> str:
    base = (slugify(name) or "structure")[:100]
    slug, n = base, 2
    filters = scope or {"territory": territory}
    while model._default_manager.filter(slug=slug, **filters).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _manager_emails(structure: Structure) -> list[str]:
    return list(
        Membership.objects.filter(structure=structure, role=Membership.Role.MANAGER, user__is_active=True)
        .values_list("user__email", flat=True)
        .order_by("user__email")
    )


def _set_sectors(structure: Structure, sectors: list[str]) -> None:
    StructureSector.objects.filter(structure=structure).exclude(sector__in=sectors).delete()
    existing = set(StructureSector.objects.filter(structure=structure).values_list("sector", flat=True))
    StructureSector.objects.bulk_create(
        [StructureSector(structure=structure, sector=k) for k in sectors if k not in existing]
    )


def _mark_provenance(structure: Structure, fields: Iterable[str], source: str) -> None:
    stamp = timezone.now().date().isoformat()
    for field in fields:
        structure.provenance[field] = {"source": source, "at": stamp}


def for_history(obj: models.Model, actor: Actor, reason: str = "") -> None:
    """Who and why, for the next line django-simple-history writes about `obj` (on its save or delete)."""
    setattr(obj, "_history_user", user_of(actor))  # noqa: B010  (the attributes simple-history reads)
    if reason:
        setattr(obj, "_change_reason", reason)  # noqa: B010
