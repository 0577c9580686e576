"""Open data of the directory: tables (through the core exporter), GeoJSON, the data·inclusion v1
structure format, and the schema.org JSON-LD of a profile. Generic (public) contacts only: the personal
contact of a structure never leaves the platform."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header

from maillage.actors import taxonomy
from maillage.actors.models import Structure
from maillage.core.exports import export_response
from maillage.core.models import Territory

TABLE_HEADERS = [
    "Nom",
    "SIRET",
    "RNA",
    "Catégorie juridique",
    "Famille de l'ESS",
    "Structure inclusive",
    "ESUS",
    "Secteurs",
    "Effectif salarié",
    "Adresse",
    "Code postal",
    "Commune",
    "Code INSEE",
    "Latitude",
    "Longitude",
    "Site internet",
    "Courriel",
    "Téléphone",
    "Fiche",
]
MAX_ROWS = 50_000
SOURCE_LABELS = {
    "sirene": "répertoire Sirene (INSEE)",
    "manager": "gestionnaires de la structure",
    "animator": "animation du territoire",
}


def _rows(qs: Any) -> Any:
    return qs.select_related("commune").prefetch_related("sectors").order_by("name", "pk")[:MAX_ROWS]


def table_response(qs: Any, territory: Territory, fmt: str) -> HttpResponse:
    def rows():
        for s in _rows(qs):
            yield [
                s.name,
                s.siret,
                s.rna,
                s.legal_form_label,
                s.get_family_display(),
                s.inclusion.label if s.inclusion else "",
                "oui" if s.esus else "non",
                ", ".join(s.sector_labels),
                taxonomy.WORKFORCE_BANDS.get(s.workforce_band, ""),
                s.address,
                s.postal_code,
                s.commune.name if s.commune else "",
                s.commune.insee_code if s.commune else "",
                s.latitude,
                s.longitude,
                s.website,
                s.public_email,
                s.public_phone,
                territory.absolute_url(reverse("actors:detail", args=[s.slug])),
            ]

    return export_response(
        headers=TABLE_HEADERS,
        rows=rows(),
        filename=f"structures-{territory.slug}",
        fmt=fmt,
        title="Structures",
    )


def _download(data: Any, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=1), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def geojson(qs: Any, territory: Territory) -> dict[str, Any]:
    features = []
    for s in _rows(qs.exclude(latitude=None)):
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [s.longitude, s.latitude]},
                "properties": {
                    "nom": s.name,
                    "famille": s.get_family_display(),
                    "structure_inclusive": s.inclusion_kind or None,
                    "esus": s.esus,
                    "secteurs": s.sector_labels,
                    "commune": s.commune.name if s.commune else None,
                    "code_insee": s.commune.insee_code if s.commune else None,
                    "siret": s.siret or None,
                    "rna": s.rna or None,
                    "site_web": s.website or None,
                    "courriel": s.public_email or None,
                    "telephone": s.public_phone or None,
                    "precision": s.get_geocoding_display(),
                    "fiche": territory.absolute_url(reverse("actors:detail", args=[s.slug])),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def geojson_response(qs: Any, territory: Territory) -> HttpResponse:
    return _download(geojson(qs, territory), f"structures-{territory.slug}.geojson", "application/geo+json")


def _di_name(name: str) -> str:
    """data·inclusion: 3 to 150 characters, not ending with a dot."""
    text = name.strip().rstrip(".").strip()[:150].rstrip(".")
    return text if len(text) >= 3 else (text + " ―――")[:3]


def data_inclusion_structure(s: Structure, territory: Territory) -> dict[str, Any]:
    description = " ".join((s.description or "").split())[:10000] or None
    if description is not None and len(description) < 5:
        description = None
    networks = []
    if s.inclusion_kind and s.inclusion_kind.lower() in (
        "ai",
        "ea",
        "eatt",
        "esat",
        "geiq",
        "ei",
        "aci",
        "etti",
        "eiti",
    ):
        networks.append(s.inclusion_kind.lower())
    return {
        "source": f"maillage-{territory.slug}",
        "id": f"maillage-{territory.slug}--{s.pk}",
        "nom": _di_name(s.name),
        "date_maj": s.updated_at.date().isoformat(),
        "siret": s.siret or None,
        "commune": s.commune.name if s.commune else None,
        "code_insee": s.commune.insee_code if s.commune else None,
        "code_postal": s.postal_code or None,
        "adresse": s.address or None,
        "complement_adresse": None,
        "latitude": s.latitude,
        "longitude": s.longitude,
        "telephone": s.public_phone or None,
        "courriel": s.public_email or None,
        "site_web": s.website or None,
        "description": description,
        "lien_source": territory.absolute_url(reverse("actors:detail", args=[s.slug])),
        "horaires_accueil": None,
        "accessibilite_lieu": None,
        "reseaux_porteurs": networks or None,
    }


def data_inclusion(qs: Any, territory: Territory) -> list[dict[str, Any]]:
    return [data_inclusion_structure(s, territory) for s in _rows(qs)]


def data_inclusion_response(qs: Any, territory: Territory) -> HttpResponse:
    return _download(
        data_inclusion(qs, territory), f"structures-{territory.slug}-data-inclusion.json", "application/json"
    )


def json_ld(structure: Structure, request: HttpRequest | None = None) -> dict[str, Any]:
    """schema.org description of a profile (no e-mail address: the contact form hides it from scrapers).
    Rendered through `json_script`."""
    territory = structure.territory
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NGO" if structure.family == Structure.Family.ASSOCIATION else "Organization",
        "name": structure.name,
        "url": territory.absolute_url(reverse("actors:detail", args=[structure.slug])),
    }
    if structure.description:
        data["description"] = " ".join(structure.description.split())[:500]
    if structure.website:
        data["sameAs"] = structure.website
    if structure.public_phone:
        data["telephone"] = structure.public_phone
    if structure.siret:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "SIRET", "value": structure.siret}
    elif structure.rna:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "RNA", "value": structure.rna}
    if structure.commune or structure.address:
        data["address"] = {
            "@type": "PostalAddress",
            "streetAddress": structure.address or None,
            "postalCode": structure.postal_code or None,
            "addressLocality": structure.commune.name if structure.commune else None,
            "addressCountry": "FR",
        }
    if structure.is_located:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": structure.latitude,
            "longitude": structure.longitude,
        }
    if structure.logo:
        data["logo"] = territory.absolute_url(structure.logo.url)
    return data


def provenance_lines(structure: Structure) -> list[str]:
    """« Nom, adresse : répertoire Sirene (INSEE), 2026-01-05 » — where imported fields come from."""
    by_source: dict[tuple[str, str], list[str]] = {}
    labels = {f.name: str(f.verbose_name) for f in Structure._meta.fields}
    for field, info in sorted((structure.provenance or {}).items()):
        source = str(info.get("source", ""))
        if source in ("manager", "animator", ""):
            continue
        label = SOURCE_LABELS.get(source, source.removeprefix("import:"))
        by_source.setdefault((label, str(info.get("at", ""))), []).append(labels.get(field, field))
    return [f"{', '.join(fields)} : {label} ({at})" for (label, at), fields in by_source.items()]
