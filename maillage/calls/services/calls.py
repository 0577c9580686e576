"""Writes of a call: create it (with the 8 CSESS themes as default criteria), set its terms, criteria and
targeted needs, move it (draft → open → closed → decided). Its specification: `services.specification`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from maillage.actors.models import Structure
from maillage.actors.taxonomy import PRACTICE_THEMES
from maillage.calls.models import (
    Call,
    CallStatus,
    Criterion,
    SpecStatus,
    TargetedNeed,
)
from maillage.calls.permissions import require_animator
from maillage.calls.services.common import clean_amount, clean_text
from maillage.core.actors import Actor
from maillage.core.db import lock_row
from maillage.core.machines import TransitionError, log_creation, transition
from maillage.core.models import Territory
from maillage.core.registry import registry

DEFAULT_CRITERIA: tuple[str, ...] = tuple(PRACTICE_THEMES.values())


@transaction.atomic
def create_call(*, actor: Actor, territory: Territory, year: int, title: str, summary: str = "") -> Call:
    require_animator(actor, territory)
    title = clean_text(title, "title", "Le titre", limit=200)
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": "L'année doit être comprise entre 2000 et 2100."})
    if Call.objects.filter(territory=territory, year=year).exists():
        raise ValidationError({"year": f"Un appel à projets existe déjà pour {year}."})
    try:
        with transaction.atomic():
            call = Call.objects.create(territory=territory, year=year, title=title, summary=summary.strip())
    except IntegrityError:
        raise ValidationError({"year": f"Un appel à projets existe déjà pour {year}."}) from None
    Criterion.objects.bulk_create(
        Criterion(call=call, position=i, label=label, weight=1) for i, label in enumerate(DEFAULT_CRITERIA, 1)
    )
    log_creation(call, actor=actor)
    return call


def _clean_communes(territory: Territory, codes: Sequence[str]) -> list[str]:
    known = set(territory.communes.values_list("insee_code", flat=True))
    codes = [c.strip() for c in codes if c.strip()]
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError({"communes": f"Communes inconnues sur le territoire : {', '.join(unknown)}."})
    return codes


@transaction.atomic
def update_call_terms(
    *,
    actor: Actor,
    call: Call,
    title: str,
    summary: str,
    envelope: Any,
    ceiling: Any,
    opens_on: dt.date | None,
    deadline: dt.datetime | None,
    jury_on: dt.date | None,
    results_on: dt.date | None,
    checklist: Sequence[str] = (),
    families: Sequence[str] = (),
    communes: Sequence[str] = (),
    min_age_months: int = 0,
    charter_required: bool = False,
    questions: Sequence[str] = (),
    normalise_scores: bool = False,
    grantor_name: str = "",
    grantor_siret: str = "",
) -> Call:
    require_animator(actor, call.territory)
    if call.status == CallStatus.DECIDED:
        raise ValidationError("Le jury a délibéré : les conditions de l'appel ne peuvent plus changer.")
    envelope_d = clean_amount(envelope, "envelope", "L'enveloppe")
    ceiling_d = clean_amount(ceiling, "ceiling", "Le plafond par projet")
    if ceiling_d > envelope_d:
        raise ValidationError({"ceiling": "Le plafond par projet ne peut pas dépasser l'enveloppe."})
    if opens_on and deadline and deadline.date() < opens_on:
        raise ValidationError({"deadline": "La date limite de dépôt doit suivre l'ouverture."})
    if deadline and jury_on and jury_on < deadline.date():
        raise ValidationError({"jury_on": "Le jury se réunit après la date limite de dépôt."})
    bad = set(families) - set(Structure.Family.values)
    if bad:
        raise ValidationError({"families": "Famille de l'ESS inconnue."})
    siret = grantor_siret.replace(" ", "")
    if siret and not (len(siret) == 14 and siret.isdigit()):
        raise ValidationError({"grantor_siret": "Le SIRET de l'attribuant compte 14 chiffres."})
    fields = {
        "title": clean_text(title, "title", "Le titre", limit=200),
        "summary": clean_text(summary, "summary", "La présentation", required=False),
        "envelope": envelope_d,
        "ceiling": ceiling_d,
        "opens_on": opens_on,
        "deadline": deadline,
        "jury_on": jury_on,
        "results_on": results_on,
        "checklist": [c.strip() for c in checklist if c.strip()],
        "families": list(families),
        "communes": _clean_communes(call.territory, communes),
        "min_age_months": int(min_age_months or 0),
        "charter_required": bool(charter_required),
        "questions": [q.strip() for q in questions if q.strip()],
        "normalise_scores": bool(normalise_scores),
        "grantor_name": grantor_name.strip()[:200],
        "grantor_siret": siret,
    }
    Call.objects.filter(pk=call.pk).update(**fields)
    for name, value in fields.items():
        setattr(call, name, value)
    return call


SCORED = (
    "Le jury a commencé à noter : les critères d'évaluation ne peuvent plus changer "
    "(ni ajout, ni renommage, ni pondération, ni retrait)."
)


def _clean_criteria(criteria: Sequence[tuple[str, Any]]) -> list[tuple[str, int]]:
    cleaned: list[tuple[str, int]] = []
    for line, (label, weight) in enumerate(criteria, 1):
        label = (label or "").strip()
        if not label:
            raise ValidationError({"criteria": f"Critère n° {line} : donnez-lui un nom."})
        if len(label) > 200:
            raise ValidationError({"criteria": f"« {label[:40]}… » : le nom dépasse 200 caractères."})
        try:
            value = int(str(weight).strip())
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= 10:
            raise ValidationError(
                {"criteria": f"« {label} » : la pondération est un nombre entier de 1 à 10."}
            )
        if any(label.casefold() == seen.casefold() for seen, _w in cleaned):
            raise ValidationError({"criteria": f"Deux critères portent le même nom : « {label} »."})
        cleaned.append((label, value))
    if not cleaned:
        raise ValidationError({"criteria": "Il faut au moins un critère d'évaluation."})
    return cleaned


@transaction.atomic
def set_criteria(*, actor: Actor, call: Call, criteria: Sequence[tuple[str, Any]]) -> list[Criterion]:
    """Replace the criteria — (label, weight 1..10) in order: add, rename, re-weight, remove — while no
    juror has scored. The call's row is locked, as `score_application` does, so that a first score and a
    change of criteria never cross."""
    require_animator(actor, call.territory)
    cleaned = _clean_criteria(criteria)
    lock_row(Call.objects.all(), call.pk)
    if call.criteria.filter(scores__isnull=False).exists():
        raise ValidationError({"criteria": SCORED})
    call.criteria.all().delete()
    return Criterion.objects.bulk_create(
        Criterion(call=call, position=i, label=label, weight=w) for i, (label, w) in enumerate(cleaned, 1)
    )


def criteria_locked(call: Call) -> bool:
    return call.criteria.filter(scores__isnull=False).exists()


@transaction.atomic
def transition_call(*, actor: Actor, call: Call, to: str, note: str = "") -> Call:
    require_animator(actor, call.territory)
    if to == CallStatus.OPEN and call.status == CallStatus.DRAFT:
        if not call.specifications.filter(status=SpecStatus.ADOPTED).exists():
            raise ValidationError("Adoptez le cahier des charges avant d'ouvrir l'appel aux candidatures.")
        if not (call.deadline and call.envelope > 0 and call.ceiling > 0):
            raise ValidationError("Fixez l'enveloppe, le plafond et la date limite avant d'ouvrir l'appel.")
    if to == CallStatus.DECIDED:
        raise ValidationError("L'appel passe à « jury délibéré » par la délibération.")
    try:
        return transition(call, to, actor=actor, note=note)
    except TransitionError as exc:
        raise ValidationError(exc.messages) from None


@transaction.atomic
def add_targeted_need(*, actor: Actor, call: Call, target_key: str, object_id: int) -> TargetedNeed:
    """Point the call at an unmet social need (any registered link target, e.g. the needs' module)."""
    require_animator(actor, call.territory)
    target = registry.link_targets.get(target_key)
    if target is None:
        raise ValidationError({"need": "Ce type de besoin n'existe pas sur cette plateforme."})
    choices = dict(target.choices(call.territory))
    if int(object_id) not in choices:
        raise ValidationError({"need": "Ce besoin n'existe pas sur le territoire."})
    need, _created = TargetedNeed.objects.get_or_create(
        call=call,
        target_key=target_key,
        object_id=int(object_id),
        defaults={"label": choices[int(object_id)][:250]},
    )
    return need


@transaction.atomic
def remove_targeted_need(*, actor: Actor, need: TargetedNeed) -> None:
    require_animator(actor, need.call.territory)
    need.delete()


__all__ = [
    "DEFAULT_CRITERIA",
    "SCORED",
    "add_targeted_need",
    "create_call",
    "criteria_locked",
    "remove_targeted_need",
    "set_criteria",
    "transition_call",
    "update_call_terms",
]
