"""Page contexts of the Trophée, and the jury's ranking per category — computed by the calls' ranking
(`maillage.calls.ranking.rank`: weighted mean of each juror's marks, averaged over jurors)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.urls import reverse

from maillage.awards.models import Category, Edition, EditionStatus, Juror, Nomination, Score, Vote
from maillage.awards.permissions import can_animate
from maillage.awards.services.votes import vote_counts
from maillage.calls.ranking import rank
from maillage.core.models import Territory


def crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("Trophée des initiatives responsables", reverse("awards:home")), *items]


@dataclass(frozen=True)
class Row:
    nomination: Nomination
    mark: float | None
    jurors: int
    rank: int | None
    votes: int | None


def category_ranking(category: Category, counts: dict[int, int] | None) -> list[Row]:
    """The accepted nominees of a category with their jury mark and rank, and their votes (None while the
    vote is open: results stay hidden until the close)."""
    nominees = {n.pk: n for n in category.nominations.filter(status="accepted").select_related("structure")}
    weights = dict(category.edition.criteria.values_list("pk", "weight"))
    rows = Score.objects.filter(nomination_id__in=list(nominees)).values_list(
        "juror_id", "nomination_id", "criterion_id", "value"
    )
    ranked = {r.application_id: r for r in rank(rows, weights)}
    out = [
        Row(
            nomination=n,
            mark=ranked[pk].mark if pk in ranked else None,
            jurors=ranked[pk].jurors if pk in ranked else 0,
            rank=ranked[pk].rank if pk in ranked else None,
            votes=None if counts is None else counts.get(pk, 0),
        )
        for pk, n in nominees.items()
    ]
    return sorted(out, key=lambda r: (r.rank is None, r.rank or 0, r.nomination.structure.name))


def results_context(edition: Edition) -> dict[str, Any]:
    shown = edition.status in (EditionStatus.CLOSED, EditionStatus.PUBLISHED)
    counts = vote_counts(edition) if shown else None
    return {
        "edition": edition,
        "votes_shown": shown,
        "total_votes": Vote.objects.filter(category__edition=edition).count(),
        "categories": [(c, category_ranking(c, counts)) for c in edition.categories.all()],
        "breadcrumbs": crumbs(("Gestion", reverse("awards:manage")), (f"Résultats {edition.year}", None)),
    }


def home_context(user: Any, territory: Territory) -> dict[str, Any]:
    editions = list(Edition.objects.for_user(user, territory))
    public = [e for e in editions if e.status != EditionStatus.DRAFT]
    current = next((e for e in public if e.status != EditionStatus.PUBLISHED), None)
    return {
        "current": current,
        "archive": [e for e in public if e.status == EditionStatus.PUBLISHED],
        "animator": can_animate(user, territory),
        "breadcrumbs": [("Trophée des initiatives responsables", None)],
    }


def edition_context(user: Any, edition: Edition) -> dict[str, Any]:
    categories = [
        (c, list(c.nominations.filter(status="accepted").select_related("structure")))
        for c in edition.categories.all()
    ]
    return {
        "edition": edition,
        "categories": categories,
        "voting": edition.status == EditionStatus.VOTING,
        "published": edition.status == EditionStatus.PUBLISHED,
        "nominating": edition.status == EditionStatus.NOMINATIONS,
        "seat": seat_of(user, edition),
        "breadcrumbs": crumbs((f"Édition {edition.year}", None)),
    }


def winners_context(edition: Edition) -> dict[str, Any]:
    counts = vote_counts(edition)
    categories = []
    for c in edition.categories.all():
        laureates = [
            (n, counts.get(n.pk, 0))
            for n in c.nominations.exclude(prize="").select_related("structure").order_by("prize", "pk")
        ]
        categories.append((c, laureates))
    return {
        "edition": edition,
        "categories": categories,
        "breadcrumbs": crumbs(
            (f"Édition {edition.year}", reverse("awards:edition", args=[edition.year])), ("Palmarès", None)
        ),
    }


def seat_of(user: Any, edition: Edition) -> Juror | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Juror.objects.filter(edition=edition, user=user).first()


def laureate_structure_ids(territory: Territory) -> Any:
    return (
        Nomination.objects.laureates()
        .filter(category__edition__territory=territory)
        .values_list("structure_id", flat=True)
    )


def manage_context(territory: Territory) -> dict[str, Any]:
    return {
        "editions": Edition.objects.of_territory(territory).annotate(n_categories=Count("categories")),
        "breadcrumbs": crumbs(("Gestion", None)),
    }
