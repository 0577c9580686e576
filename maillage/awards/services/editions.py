"""Writes of an edition: create it with its categories and criteria, move it through its states, schedule
its ceremony in the agenda (through the events' services), and publish the winners."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.awards.models import Category, Criterion, Edition, EditionStatus, Nomination, Prize
from maillage.awards.permissions import require_animator
from maillage.awards.services import notices
from maillage.awards.services.votes import vote_counts
from maillage.core.actors import Actor
from maillage.core.machines import TransitionError, log_creation, transition
from maillage.core.models import Territory
from maillage.events import services as event_services
from maillage.events.models import Kind
from maillage.events.models import Status as EventStatus

DEFAULT_CRITERIA = (
    ("Utilité sociale et réponse à un besoin du territoire", 3),
    ("Caractère innovant", 2),
    ("Coopération avec d'autres acteurs", 2),
    ("Pérennité et essaimage", 1),
)


def _text(value: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(f"{label} est obligatoire.")
    if len(value) > limit:
        raise ValidationError(f"{label} ne doit pas dépasser {limit} caractères.")
    return value


@transaction.atomic
def create_edition(
    *,
    actor: Actor,
    territory: Territory,
    year: int,
    title: str,
    summary: str = "",
    categories: Sequence[tuple[str, str]] = (),
) -> Edition:
    require_animator(actor, territory)
    title = _text(title, "Le titre", 200)
    if not 2000 <= int(year) <= 2100:
        raise ValidationError("L'année doit être comprise entre 2000 et 2100.")
    if Edition.objects.filter(territory=territory, year=year).exists():
        raise ValidationError(f"Une édition {year} du Trophée existe déjà.")
    edition = Edition.objects.create(territory=territory, year=year, title=title, summary=summary.strip())
    log_creation(edition, actor=actor)
    for name, description in categories:
        add_category(actor=actor, edition=edition, name=name, description=description)
    Criterion.objects.bulk_create(
        Criterion(edition=edition, position=i, label=label, weight=weight)
        for i, (label, weight) in enumerate(DEFAULT_CRITERIA)
    )
    return edition


@transaction.atomic
def add_category(*, actor: Actor, edition: Edition, name: str, description: str = "") -> Category:
    require_animator(actor, edition.territory)
    if edition.status not in (EditionStatus.DRAFT, EditionStatus.NOMINATIONS):
        raise ValidationError("Les catégories ne changent plus une fois le vote ouvert.")
    name = _text(name, "Le nom de la catégorie", 150)
    if edition.categories.filter(name__iexact=name).exists():
        raise ValidationError(f"La catégorie « {name} » existe déjà.")
    return Category.objects.create(
        edition=edition, name=name, description=description.strip(), position=edition.categories.count()
    )


TRANSITION_CHECKS = {
    EditionStatus.NOMINATIONS: "Ajoutez au moins une catégorie avant d'ouvrir les candidatures.",
    EditionStatus.VOTING: "Il faut au moins une candidature retenue pour ouvrir le vote.",
}


@transaction.atomic
def transition_edition(*, actor: Actor, edition: Edition, to: str) -> Edition:
    require_animator(actor, edition.territory)
    if to == EditionStatus.NOMINATIONS and not edition.categories.exists():
        raise ValidationError(TRANSITION_CHECKS[EditionStatus.NOMINATIONS])
    if (
        to == EditionStatus.VOTING
        and not Nomination.objects.filter(category__edition=edition, status="accepted").exists()
    ):
        raise ValidationError(TRANSITION_CHECKS[EditionStatus.VOTING])
    if to == EditionStatus.PUBLISHED:
        raise ValidationError("Publiez le palmarès depuis la page des résultats.")
    try:
        return transition(edition, to, actor=actor)
    except TransitionError:
        raise ValidationError("Ce changement d'état n'est pas possible pour cette édition.") from None


@transaction.atomic
def schedule_ceremony(
    *, actor: Actor, edition: Edition, start: dt.datetime, venue: str, commune: Any = None
) -> Edition:
    """The ceremony, as an event of the agenda (created through the events' services)."""
    require_animator(actor, edition.territory)
    if edition.ceremony_id:
        raise ValidationError("La cérémonie de cette édition est déjà au programme de l'agenda.")
    event = event_services.create_event(
        actor=actor,
        territory=edition.territory,
        status=EventStatus.PUBLISHED,
        title=f"Cérémonie du {edition.title}",
        description=(
            f"Remise des prix du {edition.title} : les lauréats de chaque catégorie, prix du jury et "
            "prix du public."
        ),
        kind=Kind.PLENARY,
        venue=_text(venue, "Le lieu", 200),
        commune=commune,
        start=start,
        end=start + dt.timedelta(hours=2),
        registration_open=False,
    )
    Edition.objects.filter(pk=edition.pk).update(ceremony=event)
    edition.ceremony = event
    return edition


@transaction.atomic
def publish_results(*, actor: Actor, edition: Edition, jury_choices: Mapping[int, int]) -> Edition:
    """Close the edition: in each category the jury's laureate (the animator's choice, by default the
    jury's first) and the public's (the most votes; every nominee tied at the top)."""
    require_animator(actor, edition.territory)
    if edition.status != EditionStatus.CLOSED:
        raise ValidationError("Clôturez le vote avant de publier le palmarès.")
    categories = list(edition.categories.all())
    counts = vote_counts(edition)
    Nomination.objects.filter(category__edition=edition).update(prize=Prize.NONE)
    for category in categories:
        chosen = jury_choices.get(category.pk)
        nominees = {n.pk: n for n in category.nominations.filter(status="accepted")}
        if not nominees:
            continue
        if chosen not in nominees:
            raise ValidationError(f"Choisissez le lauréat du jury de la catégorie « {category.name} ».")
        top = max((counts.get(pk, 0) for pk in nominees), default=0)
        public = {pk for pk in nominees if top and counts.get(pk, 0) == top}
        for pk in nominees:
            prize = {
                (True, True): Prize.BOTH,
                (True, False): Prize.JURY,
                (False, True): Prize.PUBLIC,
            }.get((pk == chosen, pk in public), Prize.NONE)
            if prize:
                Nomination.objects.filter(pk=pk).update(prize=prize)
    edition = transition(edition, EditionStatus.PUBLISHED, actor=actor, also={"published_at": timezone.now()})
    notices.results_published(edition, actor=actor)
    return edition
