"""The animation's work on the register: move a need along its machine with a public answer, merge a
duplicate into the need it repeats, link the structures that answer it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from maillage.actors.models import Structure
from maillage.core.actors import Actor, actor_label, user_of
from maillage.core.db import lock_row
from maillage.core.machines import transition
from maillage.needs.models import NEED_MACHINE, Need, NeedStatus, NeedTransition, Support
from maillage.needs.permissions import require_animator, require_qualifier
from maillage.needs.services.common import clean_text, index_need
from maillage.needs.services.notices import tell_people_of_answer

ANSWER_LABEL = "La réponse publique"


@transaction.atomic
def move_need(*, actor: Actor, need: Need, to_status: str, answer: str, synthesis: str | None = None) -> Need:
    """Move a need to `to_status` with its public answer (shown on its page, sent to the people concerned).
    Qualifying needs a synthesis; a duplicate is classed by merging it, not here. The members of the needs
    atelier may qualify a need (only that move); every other move is the animation's."""
    require_qualifier(actor, need.territory)
    if to_status != NeedStatus.QUALIFIED or need.status != NeedStatus.REPORTED:
        require_animator(actor, need.territory)
    answer = clean_text(answer, "answer", ANSWER_LABEL, limit=300)
    if to_status == NeedStatus.DUPLICATE:
        raise ValidationError(
            {"to_status": "Pour classer un doublon, fusionnez-le avec le besoin qu'il répète."}
        )
    also = {}
    if synthesis is not None:
        also["synthesis"] = clean_text(synthesis, "synthesis", "La synthèse", limit=5000, required=False)
    if to_status == NeedStatus.QUALIFIED and not (also.get("synthesis") or need.synthesis):
        raise ValidationError(
            {
                "synthesis": "Écrivez la synthèse de qualification : ce que l'on sait du besoin, "
                "qui il touche, où."
            }
        )
    transition(need, to_status, actor=actor, note=answer, also=also)
    index_need(need)
    tell_people_of_answer(actor=actor, need=need, status_label=NEED_MACHINE.label(to_status), answer=answer)
    return need


def _same_person(support: Support, into: Need) -> Q | None:
    if support.user_id:
        if into.reporter_id == support.user_id:
            return None
        return Q(user_id=support.user_id)
    if into.reporter_email and into.reporter_email == support.email:
        return None
    return Q(email=support.email)


@transaction.atomic
def merge_needs(*, actor: Actor, duplicate: Need, into: Need, answer: str) -> int:
    """Class `duplicate` as a duplicate of `into`: its supports (and its reporter, as a supporter) move to
    `into`, each person counted once; both histories stay. Returns the number of supports moved."""
    require_animator(actor, duplicate.territory)
    answer = clean_text(answer, "answer", ANSWER_LABEL, limit=300)
    if duplicate.pk == into.pk:
        raise ValidationError({"into": "Un besoin ne peut pas être fusionné avec lui-même."})
    if into.territory_id != duplicate.territory_id:
        raise ValidationError({"into": "Choisissez un besoin du même territoire."})
    duplicate = lock_row(Need.objects.all(), duplicate.pk)
    into = lock_row(Need.objects.all(), into.pk)
    seen: set[int] = set()
    step: Need | None = into
    while step is not None and step.pk not in seen:
        if step.pk == duplicate.pk:
            raise ValidationError(
                {"into": "Cette fusion créerait un cycle : ce besoin a été fusionné dans l'autre."}
            )
        seen.add(step.pk)
        step = step.merged_into
    if into.status in (NeedStatus.DUPLICATE, NeedStatus.UNCONFIRMED, NeedStatus.OUT_OF_SCOPE):
        raise ValidationError(
            {
                "into": f"« {into.title} » est {NEED_MACHINE.label(into.status)} : fusionnez dans "
                "un besoin ouvert."
            }
        )
    NEED_MACHINE.check(duplicate, NeedStatus.DUPLICATE)
    moved = 0
    for support in Support.objects.filter(need=duplicate, confirmed=True):
        who = _same_person(support, into)
        if who is None or Support.objects.filter(need=into).filter(who).exists():
            continue  # already counted on `into`: it stays on the duplicate, in its history
        support.need = into
        support.merged_from = duplicate
        support.save(update_fields=["need", "merged_from"])
        moved += 1
    if duplicate.reporter_id or duplicate.reporter_email:
        reporter = Support(
            need=into,
            user_id=duplicate.reporter_id,
            email="" if duplicate.reporter_id else duplicate.reporter_email,
            merged_from=duplicate,
            testimony="",
        )
        who = _same_person(reporter, into)
        if who is not None and not Support.objects.filter(need=into).filter(who).exists():
            reporter.save()
            moved += 1
    into.structures.add(*duplicate.structures.all())
    transition(duplicate, NeedStatus.DUPLICATE, actor=actor, note=answer, also={"merged_into": into})
    NeedTransition.objects.create(
        need=into,
        from_state=into.status,
        to_state=into.status,
        actor=user_of(actor),
        actor_label=actor_label(actor),
        note=f"A repris le besoin n° {duplicate.pk} « {duplicate.title} » ({moved} soutien(s) ajouté(s)).",
    )
    index_need(duplicate)
    index_need(into)
    tell_people_of_answer(
        actor=actor, need=duplicate, status_label="fusionné avec un autre besoin", answer=answer
    )
    return moved


@transaction.atomic
def link_structure(*, actor: Actor, need: Need, structure: Structure) -> None:
    """Record that a structure answers the need (shown on the need's page and on the structure's)."""
    require_animator(actor, need.territory)
    if structure.territory_id != need.territory_id or structure.status != "published":
        raise ValidationError({"structure": "Choisissez une structure publiée du territoire."})
    if need.structures.filter(pk=structure.pk).exists():
        raise ValidationError({"structure": f"{structure.name} est déjà reliée à ce besoin."})
    need.structures.add(structure)


@transaction.atomic
def unlink_structure(*, actor: Actor, need: Need, structure: Structure) -> None:
    require_animator(actor, need.territory)
    need.structures.remove(structure)
