"""The search documents of structures and practices, the directory's narrow columns, its vocabulary and its
version: refreshed here, in one place, in the transaction of every write of a structure or a practice."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from maillage.actors import taxonomy
from maillage.actors.models import (
    DirectoryTerm,
    DirectoryVersion,
    Practice,
    Structure,
)
from maillage.actors.services.base import PRACTICE_KIND, SEARCH_KIND
from maillage.core import search
from maillage.core.registry import registry

# --- search index ---------------------------------------------------------------------------------------


@transaction.atomic
def directory_changed(territory_id: int) -> None:
    """Raise the territory's directory version, in the caller's transaction: the directory's cached pages
    are keyed by it, so none survives the write (and a rolled-back write leaves the version as it was)."""
    if not DirectoryVersion.objects.filter(territory_id=territory_id).update(version=F("version") + 1):
        version, created = DirectoryVersion.objects.get_or_create(territory_id=territory_id)
        if not created:
            DirectoryVersion.objects.filter(territory_id=territory_id).update(version=F("version") + 1)


def add_vocabulary(territory_id: int, search_text: str) -> None:
    """The terms of a public document join the territory's vocabulary (typo tolerance of the directory)."""
    terms = {t for t in search_text.split() if len(t) >= search.TYPO_MIN_LENGTH and len(t) <= 60}
    if terms:
        DirectoryTerm.objects.bulk_create(
            [DirectoryTerm(territory_id=territory_id, term=t) for t in sorted(terms)], ignore_conflicts=True
        )


def index_structure(structure: Structure) -> None:
    """Put a published structure in the search index; remove any other. The directory's narrow columns are
    written and its version raised, in the caller's transaction."""
    territory_id = structure.territory_id
    directory_changed(territory_id)
    keys = structure.sector_keys
    Structure.objects.filter(pk=structure.pk).update(
        sector_bits=taxonomy.sector_bits(keys),
        name_key=search.sort_key(structure.name),
        name_terms=f" {search.normalise(structure.name)} ",
    )
    registry.structures_changed([structure.pk])  # the modules' copies (procurement's matching rows)
    if structure.status != Structure.Status.PUBLISHED:
        search.remove_document(kind=SEARCH_KIND, object_id=structure.pk)
        return
    sectors = [taxonomy.SECTORS[k].label for k in keys if k in taxonomy.SECTORS]
    inclusion = structure.inclusion
    document = search.index_document(
        territory=structure.territory,
        kind=SEARCH_KIND,
        object_id=structure.pk,
        title=structure.name,
        body=[
            structure.description,
            structure.commune.name if structure.commune else "",
            structure.get_family_display(),
            inclusion.label if inclusion else "",
            " ".join(sectors),
            " ".join(structure.labels or []),
            " ".join(p.title for p in structure.practices.filter(is_published=True)),
        ],
        facets={
            "family": structure.family,
            "commune": structure.commune.insee_code if structure.commune else "",
        },
    )
    add_vocabulary(territory_id, document.search_text)


def index_practice(practice: Practice) -> None:
    if not practice.is_published or practice.structure.status != Structure.Status.PUBLISHED:
        search.remove_document(kind=PRACTICE_KIND, object_id=practice.pk)
        return
    search.index_document(
        territory=practice.structure.territory,
        kind=PRACTICE_KIND,
        object_id=practice.pk,
        title=practice.title,
        body=[practice.summary, practice.body, practice.structure.name, " ".join(practice.theme_labels)],
        facets={"themes": list(practice.themes)},
    )


def unindex_structure(structure: Structure) -> None:
    """A structure about to be deleted: its document and its practices' leave the search, the directory's
    version is raised."""
    directory_changed(structure.territory_id)
    search.remove_document(kind=SEARCH_KIND, object_id=structure.pk)
    for practice_id in structure.practices.values_list("pk", flat=True):
        search.remove_document(kind=PRACTICE_KIND, object_id=practice_id)


@transaction.atomic
def rebuild_directory(territory_id: int) -> int:
    """Write the directory's narrow columns and vocabulary of every structure of a territory from their rows
    (after a bulk load written straight into the tables: the benchmark's generator, a restore). Returns the
    number of structures."""
    from maillage.actors.models import StructureSector  # noqa: PLC0415  (only this bulk path needs it)
    from maillage.core.search_models import SearchDocument  # noqa: PLC0415

    sectors: dict[int, list[str]] = {}
    pairs = StructureSector.objects.filter(structure__territory_id=territory_id).values_list(
        "structure_id", "sector"
    )
    for structure_id, sector in pairs.iterator(chunk_size=5000):
        sectors.setdefault(structure_id, []).append(sector)
    count = 0
    batch: list[Structure] = []
    rows = Structure.objects.filter(territory_id=territory_id).only("pk", "name").order_by("pk")
    for structure in rows.iterator(chunk_size=5000):
        structure.sector_bits = taxonomy.sector_bits(sectors.get(structure.pk, []))
        structure.name_key = search.sort_key(structure.name)
        structure.name_terms = f" {search.normalise(structure.name)} "
        batch.append(structure)
        count += 1
        if len(batch) >= 2000:
            Structure.objects.bulk_update(batch, ["sector_bits", "name_key", "name_terms"])
            batch = []
    if batch:
        Structure.objects.bulk_update(batch, ["sector_bits", "name_key", "name_terms"])
    terms: set[str] = set()
    texts = SearchDocument.objects.filter(territory_id=territory_id, kind=SEARCH_KIND, is_public=True)
    for text in texts.values_list("search_text", flat=True).iterator(chunk_size=5000):
        terms.update(t for t in text.split() if search.TYPO_MIN_LENGTH <= len(t) <= 60)
    DirectoryTerm.objects.bulk_create(
        [DirectoryTerm(territory_id=territory_id, term=t) for t in sorted(terms)],
        ignore_conflicts=True,
        batch_size=2000,
    )
    registry.structures_reloaded(territory_id)
    directory_changed(territory_id)
    return count
