"""Writes of the Trophée's jury: seat a person, declare their conflicts of interest, score a nominee per
criterion. A juror tied to a nominee (member of its structure or a declared conflict) cannot score it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from maillage.accounts.models import User
from maillage.awards.models import Conflict, Edition, EditionStatus, Juror, Nomination, Score
from maillage.awards.permissions import is_tied, require_animator, require_juror
from maillage.awards.services import notices
from maillage.core.actors import Actor

SCORING_STATES = (EditionStatus.VOTING, EditionStatus.CLOSED)


@transaction.atomic
def add_juror(*, actor: Actor, edition: Edition, email: str) -> Juror:
    require_animator(actor, edition.territory)
    if edition.status == EditionStatus.PUBLISHED:
        raise ValidationError("Le palmarès est publié : le jury ne change plus.")
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is None:
        raise ValidationError(
            {"email": "Aucun compte n'utilise cette adresse : la personne doit d'abord créer son compte."}
        )
    if Juror.objects.filter(edition=edition, user=user).exists():
        raise ValidationError({"email": "Cette personne fait déjà partie du jury."})
    juror = Juror.objects.create(edition=edition, user=user)
    notices.juror_added(juror, actor=actor)
    return juror


@transaction.atomic
def declare_conflicts(*, actor: Actor, juror: Juror, structure_ids: Iterable[int]) -> int:
    """Replace the juror's declaration (an empty list declares « no conflict »); their scores of a
    now-tied nominee are removed."""
    require_juror(actor, juror)
    ids = set(structure_ids)
    nominees = set(
        Nomination.objects.filter(category__edition=juror.edition).values_list("structure_id", flat=True)
    )
    if ids - nominees:
        raise ValidationError("Déclarez des liens seulement avec les structures candidates.")
    juror.conflicts.all().delete()
    Conflict.objects.bulk_create(Conflict(juror=juror, structure_id=sid) for sid in ids)
    Score.objects.filter(juror=juror, nomination__structure_id__in=ids).delete()
    return len(ids)


@transaction.atomic
def score_nomination(
    *, actor: Actor, juror: Juror, nomination: Nomination, scores: Mapping[int, int]
) -> list[Score]:
    """Save the juror's marks {criterion id: 0..10} for one nominee."""
    require_juror(actor, juror)
    edition = juror.edition
    if nomination.category.edition_id != edition.pk or nomination.status != "accepted":
        raise PermissionDenied("Cette candidature ne relève pas de votre jury.")
    if is_tied(juror, nomination.structure_id):
        raise PermissionDenied(
            "Vous avez un lien avec cette structure (conflit d'intérêts) : vous ne pouvez pas la noter."
        )
    if edition.status not in SCORING_STATES:
        raise ValidationError("Le jury ne note pas, ou plus, les candidatures de cette édition.")
    criteria = {c.pk: c for c in edition.criteria.all()}
    if set(scores) != set(criteria):
        raise ValidationError("Notez chaque critère.")
    saved = []
    for cid, value in scores.items():
        if not isinstance(value, int) or not 0 <= value <= 10:
            raise ValidationError(f"« {criteria[cid].label} » : la note est un entier de 0 à 10.")
        score, _created = Score.objects.update_or_create(
            juror=juror, nomination=nomination, criterion_id=cid, defaults={"value": value}
        )
        saved.append(score)
    return saved
