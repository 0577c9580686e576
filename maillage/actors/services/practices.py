"""Practice sheets of structures."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from maillage.actors import permissions, taxonomy
from maillage.actors.models import (
    Practice,
    Structure,
)
from maillage.actors.services.base import unique_slug
from maillage.actors.services.indexing import index_practice, index_structure
from maillage.core.actors import Actor

# --- practices --------------------------------------------------------------------------------------------


def _clean_practice(title: str, themes: Iterable[str]) -> tuple[str, list[str]]:
    title = " ".join((title or "").split())
    errors = {}
    if not title:
        errors["title"] = "Donnez un titre à la pratique."
    keys = list(dict.fromkeys(themes or []))
    if not keys:
        errors["themes"] = "Choisissez au moins un thème."
    elif any(k not in taxonomy.PRACTICE_THEMES for k in keys):
        errors["themes"] = "Thème inconnu."
    if errors:
        raise ValidationError(errors)
    return title, keys


@transaction.atomic
def save_practice(
    *,
    actor: Actor,
    structure: Structure,
    title: str,
    themes: Iterable[str],
    summary: str = "",
    body: str = "",
    practice: Practice | None = None,
) -> Practice:
    """Create (practice=None) or edit a practice sheet of a structure (its managers or the animation)."""
    permissions.require(
        actor,
        "actors.change_structure",
        structure,
        "Seuls les gestionnaires de la structure et l'animation écrivent ses pratiques.",
    )
    title, keys = _clean_practice(title, themes)
    if practice is None:
        practice = Practice(
            structure=structure,
            slug=unique_slug(structure.territory, title, model=Practice, structure=structure),
        )
    practice.title, practice.themes, practice.summary, practice.body = title, keys, summary.strip(), body
    practice.save()
    index_practice(practice)
    index_structure(structure)
    return practice
