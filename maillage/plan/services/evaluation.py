"""The yearly evaluation (core's machine, `EVALUATION_MACHINE`): opened with a consultation of the partners,
concluded by the animation, adopted — and then frozen as a snapshot."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.actors.models import Structure
from maillage.core.actors import Actor, is_system
from maillage.core.machines import history, log_creation, transition
from maillage.core.models import Territory
from maillage.core.registry import registry
from maillage.plan import report
from maillage.plan.models import PLENARY_TARGET, Evaluation, EvaluationComment, PlanVersion
from maillage.plan.permissions import check_animator, check_commenter, commenting_structures
from maillage.plan.services._common import person, record_history

# --- yearly evaluation -------------------------------------------------------------------------------


def plenary_choices(territory: Territory) -> list[tuple[int, str]]:
    """The agenda events a plenary may be (empty when no app declares the `PLENARY_TARGET` link target)."""
    target = registry.link_targets.get(PLENARY_TARGET)
    return list(target.choices(territory)) if target is not None else []


def _resolve_plenary(territory: Territory, object_id: int) -> tuple[ContentType, str, str]:
    target = registry.link_targets.get(PLENARY_TARGET)
    if target is None:
        raise ValidationError({"plenary_event": "L'agenda n'est pas disponible sur cette plateforme."})
    labels = dict(target.choices(territory))
    if object_id not in labels:
        raise ValidationError({"plenary_event": "Cet événement n'est pas dans l'agenda du territoire."})
    app_label, model = target.model.split(".", 1)
    content_type = ContentType.objects.get_by_natural_key(app_label, model.lower())
    obj = content_type.get_object_for_this_type(pk=object_id)
    return content_type, str(labels[object_id]), target.url(obj)


def _check_not_adopted(evaluation: Evaluation) -> None:
    if evaluation.status == Evaluation.Status.ADOPTED:
        raise ValidationError("Cette évaluation est adoptée : son rapport est figé et ne change plus.")


@transaction.atomic
def open_evaluation(
    *, actor: Actor, version: PlanVersion, consultation_ends_on: dt.date | None
) -> Evaluation:
    """Open the evaluation of a year's plan; partners may comment until `consultation_ends_on`."""
    check_animator(actor, version.contract.territory)
    if Evaluation.objects.filter(version=version).exists():
        raise ValidationError(f"L'évaluation du plan {version.year} est déjà ouverte.")
    if consultation_ends_on is None or consultation_ends_on < timezone.localdate():
        raise ValidationError(
            {"consultation_ends_on": "Indiquez la fin de la consultation, aujourd'hui ou plus tard."}
        )
    evaluation = Evaluation(version=version, consultation_ends_on=consultation_ends_on)
    record_history(evaluation, actor, "Évaluation ouverte")
    evaluation.save()
    log_creation(evaluation, actor=actor, note="Évaluation ouverte")
    return evaluation


def consultation_open(evaluation: Evaluation) -> bool:
    return (
        evaluation.status == Evaluation.Status.CONSULTATION
        and timezone.localdate() <= evaluation.consultation_ends_on
    )


@transaction.atomic
def add_evaluation_comment(
    *, actor: Actor, evaluation: Evaluation, text: str, structure: Structure | None = None
) -> EvaluationComment:
    """A partner (a member of a structure of the territory) or the animator comments the draft report."""
    check_commenter(actor, evaluation)
    structures = commenting_structures(actor, evaluation)
    if not consultation_open(evaluation):
        raise ValidationError("La consultation des partenaires est close.")
    if not text.strip():
        raise ValidationError({"text": "Écrivez votre commentaire."})
    if len(text) > 5000:
        raise ValidationError({"text": "Un commentaire fait 5 000 caractères au plus."})
    if structure is not None and structure not in structures:
        raise ValidationError({"structure": "Vous ne pouvez commenter qu'au nom de vos structures."})
    comment = EvaluationComment(
        evaluation=evaluation, author=person(actor), structure=structure, text=text.strip()
    )
    record_history(comment, actor, "Commentaire")
    comment.save()
    return comment


@transaction.atomic
def conclude_evaluation(
    *,
    actor: Actor,
    evaluation: Evaluation,
    conclusions: str,
    next_year_changes: str,
    plenary_label: str = "",
    plenary_url: str = "",
    plenary_event: int | None = None,
    close_consultation: bool = False,
) -> Evaluation:
    """Write the conclusions. The plenary is an agenda event (`plenary_event`, an id offered by the registry
    link target `PLENARY_TARGET`): its label with the date and its page are copied; without one, the typed
    label and URL stay as a fallback."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    territory = evaluation.version.contract.territory
    check_animator(actor, territory)
    _check_not_adopted(evaluation)
    if plenary_event is not None and plenary_event == evaluation.plenary_object_id:
        pass  # unchanged (it may have left the offered window since it was picked): keep its label and URL
    elif plenary_event is not None:
        content_type, label, url = _resolve_plenary(territory, plenary_event)
        evaluation.plenary_content_type = content_type
        evaluation.plenary_object_id = plenary_event
        evaluation.plenary_label = label[:250]
        evaluation.plenary_url = url[:500]
    else:
        plenary_url = plenary_url.strip()
        # « //autre-site » and « /\\autre-site » start with « / » but lead off the site: refused too.
        if plenary_url and (
            not plenary_url.startswith(("/", "https://", "http://")) or plenary_url.startswith(("//", "/\\"))
        ):
            raise ValidationError({"plenary_url": "Une adresse commence par / (page du site) ou https://."})
        evaluation.plenary_content_type = None
        evaluation.plenary_object_id = None
        evaluation.plenary_label = plenary_label.strip()
        evaluation.plenary_url = plenary_url.strip()
    evaluation.conclusions = conclusions
    evaluation.next_year_changes = next_year_changes
    record_history(evaluation, actor, "Conclusions")
    evaluation.save()
    if close_consultation and evaluation.status == Evaluation.Status.CONSULTATION:
        transition(evaluation, Evaluation.Status.CLOSED, actor=actor, note="Consultation close")
    return evaluation


@transaction.atomic
def adopt_evaluation(*, actor: Actor, evaluation: Evaluation, at: dt.datetime | None = None) -> Evaluation:
    """Freeze the report: the snapshot is what the HTML and PDF show from now on. It holds the measurements
    dated up to the adoption day (`at`, default now; the demo adopts in the past), none after."""
    evaluation = (
        Evaluation.objects.select_for_update().select_related("version__contract").get(pk=evaluation.pk)
    )
    check_animator(actor, evaluation.version.contract.territory)
    _check_not_adopted(evaluation)
    if not evaluation.conclusions.strip():
        raise ValidationError({"conclusions": "Écrivez les conclusions avant d'adopter le rapport."})
    moment = at or timezone.now()
    snapshot = report.draft(evaluation.version, evaluation, as_of=timezone.localdate(moment))
    transition(
        evaluation,
        Evaluation.Status.ADOPTED,
        actor=actor,
        note="Rapport adopté",
        also={"snapshot": snapshot, "adopted_at": moment},
    )
    if at is not None:
        history(evaluation).filter(to_state=Evaluation.Status.ADOPTED).update(at=at)
    return evaluation


@transaction.atomic
def backdate_consultation(*, actor: Actor, evaluation: Evaluation, consultation_ends_on: dt.date) -> None:
    """The demo's past evaluation: its consultation ended before the plenary (the platform's own write; a
    person changes the end date only by opening the evaluation)."""
    if not is_system(actor):
        raise PermissionDenied("Seule la plateforme date une consultation dans le passé.")
    evaluation.consultation_ends_on = consultation_ends_on
    record_history(evaluation, actor, "Consultation datée")
    evaluation.save(update_fields=["consultation_ends_on"])
