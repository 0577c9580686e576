"""What the Trophée offers the house through the registry: metrics for the plan (editions held,
nominations, confirmed public votes, winners) and the lettre's block (the vote or the nominations open, or
the winners published since the previous issue)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from maillage.awards.models import Edition, EditionStatus, Nomination, Vote
from maillage.core.models import Territory
from maillage.core.registry import ContentBlock

# --- metrics ------------------------------------------------------------------------------------------


def count_editions(territory: Territory, start: dt.date, end: dt.date) -> int:
    """Editions held: their winners were published during the period."""
    return (
        Edition.objects.of_territory(territory)
        .published()
        .filter(published_at__date__gte=start, published_at__date__lte=end)
        .count()
    )


def count_nominations(territory: Territory, start: dt.date, end: dt.date) -> int:
    """Nominations in the running (accepted by their structure), by the day they were proposed."""
    return (
        Nomination.objects.of_territory(territory)
        .accepted()
        .filter(created_at__date__gte=start, created_at__date__lte=end)
        .count()
    )


def count_votes(territory: Territory, start: dt.date, end: dt.date) -> int:
    """Confirmed public votes (one per verified address per category)."""
    return Vote.objects.filter(
        category__edition__territory=territory,
        confirmed_at__date__gte=start,
        confirmed_at__date__lte=end,
    ).count()


def count_winners(territory: Territory, start: dt.date, end: dt.date) -> int:
    """Winning initiatives (jury's or public's prize) of the editions published during the period."""
    return (
        Nomination.objects.of_territory(territory)
        .laureates()
        .filter(
            category__edition__published_at__date__gte=start,
            category__edition__published_at__date__lte=end,
        )
        .count()
    )


# --- the lettre's block -------------------------------------------------------------------------------------


def _moment(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(dt.datetime.combine(value, dt.time.min))


def _open_block(territory: Territory, edition: Edition) -> ContentBlock:
    if edition.status == EditionStatus.VOTING:
        url = territory.absolute_url(reverse("awards:edition", args=[edition.year]))
        names = ", ".join(c.name for c in edition.categories.all())
        lead = f"{edition.title} : le vote du public est ouvert"
        detail = (
            f" dans {edition.categories.count()} catégories ({names}). Une voix par adresse et par catégorie."
        )
        link = "Voter"
    else:
        url = territory.absolute_url(reverse("awards:nominate", args=[edition.year]))
        lead = f"{edition.title} : les candidatures sont ouvertes"
        detail = " : proposez une initiative de votre structure, ou celle d'une autre avec son accord."
        link = "Proposer une initiative"
    return ContentBlock(
        title="Trophée des initiatives responsables",
        html=f'<p>{escape(lead)}{escape(detail)} <a href="{escape(url)}">{link}</a></p>',
        text=f"{lead}{detail} {link} : {url}",
    )


def _winners_block(territory: Territory, edition: Edition) -> ContentBlock:
    url = territory.absolute_url(reverse("awards:winners", args=[edition.year]))
    lines = []
    for nomination in (
        Nomination.objects.laureates()
        .filter(category__edition=edition)
        .select_related("category", "structure")
        .order_by("category__position", "category__pk", "prize", "pk")
    ):
        lines.append(
            (
                nomination.category.name,
                f"{nomination.initiative} ({nomination.structure.name}), {nomination.get_prize_display()}",
            )
        )
    items = "".join(f"<li>{escape(c)} : {escape(w)}</li>" for c, w in lines)
    return ContentBlock(
        title=f"Le palmarès du {edition.title}",
        html=f'<ul>{items}</ul><p><a href="{escape(url)}">Tout le palmarès</a></p>',
        text="\n".join(f"- {c} : {w}" for c, w in lines) + f"\nTout le palmarès : {url}",
    )


def trophy_block(*, territory: Territory, since: Any, options: Any = None) -> ContentBlock | None:
    """The edition whose vote (or nominations) is open; else the winners published since `since` (and
    before `until`, for an archive composed after the fact); else nothing."""
    editions = Edition.objects.of_territory(territory)
    current = (
        editions.filter(status__in=(EditionStatus.VOTING, EditionStatus.NOMINATIONS))
        .order_by("-year")
        .first()
    )
    if current is not None:
        return _open_block(territory, current)
    published = editions.published().filter(published_at__gte=_moment(since))
    until = (options or {}).get("until")
    if until is not None:
        published = published.filter(published_at__lte=_moment(until))
    last = published.order_by("-published_at").first()
    return _winners_block(territory, last) if last is not None else None
