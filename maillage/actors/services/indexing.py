"""The search documents of structures and practices, and the directory's cached counts: refreshed here, in
one place, after every write of a structure or a practice."""

from __future__ import annotations

from django.db import transaction

from maillage.actors import directory as directory_cache
from maillage.actors import taxonomy
from maillage.actors.models import (
    Practice,
    Structure,
)
from maillage.actors.services.base import PRACTICE_KIND, SEARCH_KIND
from maillage.core import search

# --- search index ---------------------------------------------------------------------------------------


def index_structure(structure: Structure) -> None:
    """Put a published structure in the search index; remove any other. Cached directory counts of the
    territory are invalidated."""
    territory_id = structure.territory_id
    directory_cache.bump_version(territory_id)
    # again after commit: a search between now and the commit may have cached the old counts
    transaction.on_commit(lambda: directory_cache.bump_version(territory_id))
    if structure.status != Structure.Status.PUBLISHED:
        search.remove_document(kind=SEARCH_KIND, object_id=structure.pk)
        return
    sectors = [taxonomy.SECTORS[k].label for k in structure.sector_keys if k in taxonomy.SECTORS]
    inclusion = structure.inclusion
    search.index_document(
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
    cached counts are invalidated."""
    directory_cache.bump_version(structure.territory_id)
    territory_id = structure.territory_id
    transaction.on_commit(lambda: directory_cache.bump_version(territory_id))
    search.remove_document(kind=SEARCH_KIND, object_id=structure.pk)
    for practice_id in structure.practices.values_list("pk", flat=True):
        search.remove_document(kind=PRACTICE_KIND, object_id=practice_id)
