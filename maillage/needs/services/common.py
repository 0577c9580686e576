"""What the needs' services share: text cleaning, the search index, the default categories."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from maillage.core.models import Territory
from maillage.core.search import index_document, remove_document
from maillage.needs.models import Need, NeedCategory, NeedStatus

SEARCH_KIND = "need"

DEFAULT_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("mobilite", "Mobilité"),
    ("logement", "Logement"),
    ("alimentation", "Alimentation"),
    ("sante", "Santé"),
    ("isolement", "Isolement"),
    ("emploi", "Emploi"),
    ("garde-enfants", "Garde d'enfants"),
    ("numerique", "Numérique"),
    ("culture", "Culture"),
    ("autre", "Autre"),
)


def clean_text(value: str | None, field: str, label: str, *, limit: int, required: bool = True) -> str:
    text = " ".join((value or "").split()) if limit <= 300 else (value or "").strip()
    if required and not text:
        raise ValidationError({field: f"{label} est obligatoire."})
    if len(text) > limit:
        raise ValidationError({field: f"{label} ne doit pas dépasser {limit} caractères."})
    return text


def seed_categories(territory: Territory) -> None:
    """The default categories, once per territory (what exists is left as the animation edited it)."""
    if NeedCategory.objects.filter(territory=territory).exists():
        return
    NeedCategory.objects.bulk_create(
        [
            NeedCategory(territory=territory, slug=slug, label=label, position=index)
            for index, (slug, label) in enumerate(DEFAULT_CATEGORIES)
        ]
    )


def index_need(need: Need) -> None:
    """Write the need's search document (hidden while it waits for its confirmation)."""
    communes = [c.name for c in need.communes.all()]
    index_document(
        territory=need.territory,
        kind=SEARCH_KIND,
        object_id=need.pk,
        title=need.title,
        body=[need.description, need.synthesis, need.public_concerned, need.category.label, *communes],
        facets={"status": need.status, "category": need.category.slug},
        is_public=need.status != NeedStatus.UNCONFIRMED,
    )


def unindex_need(need: Need) -> None:
    remove_document(kind=SEARCH_KIND, object_id=need.pk, territory=need.territory)
