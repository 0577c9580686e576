"""The training-needs census: campaigns, themes, questions with conditional display, answers, reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from maillage.accounts.models import User
from maillage.actors.models import Membership, Structure
from maillage.core.actors import Actor
from maillage.core.machines import log_creation, transition
from maillage.core.models import Territory
from maillage.notifications.services import notify
from maillage.training import permissions
from maillage.training.models import (
    DEFAULT_THEMES,
    Census,
    CensusStatus,
    Format,
    Period,
    Priority,
    Question,
    QuestionKind,
    Response,
    Theme,
    ThemeInterest,
)
from maillage.training.services.common import KIND_CENSUS, path, person_of

ANIMATION_ONLY = "Seule l'animation du territoire gère les recensements des besoins de formation."


def _require_animator(actor: Actor, territory: Territory) -> None:
    permissions.require(actor, permissions.ANIMATE, territory, ANIMATION_ONLY)


@transaction.atomic
def create_census(
    *,
    actor: Actor,
    territory: Territory,
    title: str,
    opens_on: dt.date,
    deadline: dt.datetime,
    description: str = "",
    themes: Sequence[str] = DEFAULT_THEMES,
) -> Census:
    """A census in draft, with its themes (the usual eight unless told otherwise)."""
    _require_animator(actor, territory)
    if not title.strip():
        raise ValidationError({"title": "Donnez un titre au recensement."})
    if timezone.localtime(deadline).date() < opens_on:
        raise ValidationError({"deadline": "La date limite doit suivre l'ouverture."})
    census = Census.objects.create(
        territory=territory,
        title=title.strip(),
        description=description,
        opens_on=opens_on,
        deadline=deadline,
        created_by=person_of(actor),
    )
    log_creation(census, actor=actor)
    for order, name in enumerate(dict.fromkeys(t.strip() for t in themes if t.strip())):
        Theme.objects.create(census=census, name=name[:120], order=order)
    return census


@transaction.atomic
def save_theme(
    *,
    actor: Actor,
    census: Census,
    name: str,
    description: str = "",
    threshold: int = 5,
    theme: Theme | None = None,
) -> Theme:
    """Add a theme, or rename one (`theme`)."""
    _require_animator(actor, census.territory)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Donnez un nom au thème."})
    if threshold < 1:
        raise ValidationError({"threshold": "Le seuil doit être d'au moins une structure."})
    clash = Theme.objects.filter(census=census, name__iexact=name)
    if theme is not None:
        clash = clash.exclude(pk=theme.pk)
    if clash.exists():
        raise ValidationError({"name": f"Le thème « {name} » existe déjà dans ce recensement."})
    if theme is None:
        theme = Theme(census=census, order=census.themes.count())
    elif theme.census_id != census.pk:
        raise ValidationError("Ce thème n'appartient pas à ce recensement.")
    theme.name, theme.description, theme.threshold = name[:120], description[:300], threshold
    theme.save()
    return theme


@transaction.atomic
def delete_theme(*, actor: Actor, theme: Theme) -> None:
    _require_animator(actor, theme.census.territory)
    if theme.sessions.exists():
        raise ValidationError(
            "Une session collective a été créée sur ce thème : il ne peut plus être supprimé."
        )
    theme.delete()


def _check_condition(question: Question, depends_on: Question | None, depends_value: str) -> None:
    """A question shown only for some answer of another: never itself, never in a cycle."""
    if depends_on is None:
        return
    if depends_on.census_id != question.census_id:
        raise ValidationError({"depends_on": "La question de condition doit être du même recensement."})
    if question.pk is not None and depends_on.pk == question.pk:
        raise ValidationError({"depends_on": "Une question ne peut pas dépendre d'elle-même."})
    seen: set[int] = set()
    current: Question | None = depends_on
    while current is not None:
        if question.pk is not None and current.pk == question.pk:
            raise ValidationError(
                {"depends_on": "Cette condition formerait une boucle : une question dépendrait d'elle-même."}
            )
        if current.pk in seen:
            break
        seen.add(current.pk)
        current = current.depends_on
    if not depends_value.strip():
        raise ValidationError({"depends_value": "Indiquez la réponse qui fait apparaître la question."})
    if depends_on.kind == QuestionKind.CHOICE and depends_value not in depends_on.choices:
        raise ValidationError(
            {"depends_value": "Cette réponse ne fait pas partie des choix de la question de condition."}
        )
    if depends_on.kind == QuestionKind.YES_NO and depends_value not in ("oui", "non"):
        raise ValidationError(
            {"depends_value": "Pour une question oui/non, la réponse est « oui » ou « non »."}
        )


@transaction.atomic
def save_question(
    *,
    actor: Actor,
    census: Census,
    label: str,
    kind: str = QuestionKind.TEXT,
    choices: Iterable[str] = (),
    required: bool = False,
    depends_on: Question | None = None,
    depends_value: str = "",
    question: Question | None = None,
) -> Question:
    """Add a question, or change one (`question`). A question conditional on itself or in a cycle is
    refused with nothing written."""
    _require_animator(actor, census.territory)
    if not label.strip():
        raise ValidationError({"label": "Écrivez la question."})
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": "Type de question inconnu."})
    options = [c.strip() for c in choices if c.strip()]
    if kind == QuestionKind.CHOICE and len(options) < 2:
        raise ValidationError({"choices": "Une question à choix demande au moins deux choix."})
    if question is None:
        question = Question(census=census, order=census.questions.count())
    elif question.census_id != census.pk:
        raise ValidationError("Cette question n'appartient pas à ce recensement.")
    _check_condition(question, depends_on, depends_value)
    question.label, question.kind, question.required = label.strip()[:300], kind, required
    question.choices = options if kind == QuestionKind.CHOICE else []
    question.depends_on = depends_on
    question.depends_value = depends_value.strip() if depends_on else ""
    question.save()
    return question


def move_census(*, actor: Actor, census: Census, to: str, deadline: dt.datetime | None = None) -> Census:
    """Open, close or reopen (with a later deadline) a census."""
    _require_animator(actor, census.territory)
    with transaction.atomic():
        also: dict[str, Any] = {}
        if to == CensusStatus.OPEN and deadline is not None:
            also["deadline"] = deadline
        target_deadline = also.get("deadline", census.deadline)
        if to == CensusStatus.OPEN and target_deadline <= timezone.now():
            raise ValidationError("La date limite est passée : donnez une nouvelle date limite pour rouvrir.")
        if to == CensusStatus.OPEN and not census.themes.exists():
            raise ValidationError("Ajoutez au moins un thème avant d'ouvrir le recensement.")
        return transition(census, to, actor=actor, also=also)


def is_answerable(census: Census, now: dt.datetime | None = None) -> bool:
    return census.status == CensusStatus.OPEN and (now or timezone.now()) < census.deadline


def visible_questions(census: Census, answers: Mapping[str, Any]) -> list[Question]:
    """The questions shown for these answers: a conditional one only when its condition holds (and its
    own condition's question is shown)."""
    shown: list[Question] = []
    shown_ids: set[int] = set()
    for question in census.questions.all():
        if question.depends_on_id is not None:
            if question.depends_on_id not in shown_ids:
                continue
            if str(answers.get(str(question.depends_on_id), "")) != question.depends_value:
                continue
        shown.append(question)
        shown_ids.add(question.pk)
    return shown


def _clean_answers(census: Census, answers: Mapping[str, Any]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    raw = {str(k): str(v).strip() for k, v in answers.items()}
    errors: dict[str, str] = {}
    for question in visible_questions(census, raw):
        value = raw.get(str(question.pk), "")
        if question.kind == QuestionKind.CHOICE and value and value not in question.choices:
            errors[f"q{question.pk}"] = "Choisissez une des réponses proposées."
        elif question.kind == QuestionKind.YES_NO and value and value not in ("oui", "non"):
            errors[f"q{question.pk}"] = "Répondez par oui ou par non."
        elif question.required and not value:
            errors[f"q{question.pk}"] = f"Répondez à la question « {question.label} »."
        if value:
            cleaned[str(question.pk)] = value[:2000]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_interests(
    census: Census, interests: Mapping[int, Mapping[str, Any]]
) -> dict[Theme, dict[str, Any]]:
    themes = {t.pk: t for t in census.themes.all()}
    out: dict[Theme, dict[str, Any]] = {}
    for theme_id, data in interests.items():
        theme = themes.get(int(theme_id))
        if theme is None:
            raise ValidationError("Ce thème n'appartient pas au recensement.")
        staff = int(data.get("staff") or 0)
        if staff < 1 or staff > 500:
            raise ValidationError(
                {f"t{theme.pk}_staff": f"« {theme.name} » : indiquez de 1 à 500 personnes."}
            )
        priority = int(data.get("priority") or Priority.MEDIUM)
        if priority not in Priority.values:
            raise ValidationError({f"t{theme.pk}_priority": "Priorité inconnue."})
        # Known codes only, each once: the results count structures per period and format.
        periods = list(dict.fromkeys(p for p in data.get("periods", []) if p in Period.values))
        formats = list(dict.fromkeys(f for f in data.get("formats", []) if f in Format.values))
        out[theme] = {
            "staff": staff,
            "priority": priority,
            "periods": periods,
            "formats": formats,
            "constraints": str(data.get("constraints", ""))[:300],
        }
    return out


def submit_response(
    *,
    actor: Actor,
    census: Census,
    structure: Structure,
    answers: Mapping[str, Any],
    interests: Mapping[int, Mapping[str, Any]],
    now: dt.datetime | None = None,
) -> Response:
    """The structure's answer: created the first time, replaced afterwards, until the deadline. `interests`
    maps a theme's pk to {staff, priority, periods, formats, constraints}."""
    now = now or timezone.now()
    permissions.require(
        actor,
        permissions.ANSWER_FOR,
        structure,
        "Seuls les gestionnaires de la structure répondent en son nom.",
    )
    if structure.territory_id != census.territory_id:
        raise ValidationError("Cette structure n'est pas du territoire du recensement.")
    if not is_answerable(census, now):
        raise ValidationError(
            "Ce recensement est clos : il n'est plus possible d'y répondre ni de modifier une réponse."
        )
    cleaned = _clean_answers(census, answers)
    wanted = _clean_interests(census, interests)
    if not wanted:
        raise ValidationError("Choisissez au moins un thème qui intéresse votre structure.")
    try:
        with transaction.atomic():
            response, created = Response.objects.select_for_update().get_or_create(
                census=census,
                structure=structure,
                defaults={
                    "respondent": person_of(actor),
                    "submitted_at": now,
                    "updated_at": now,
                    "answers": cleaned,
                },
            )
            if not created:
                response.answers = cleaned
                response.respondent = person_of(actor) or response.respondent
                response.updated_at = now
                response.save(update_fields=["answers", "respondent", "updated_at"])
            response.interests.exclude(theme__in=list(wanted)).delete()
            for theme, fields in wanted.items():
                ThemeInterest.objects.update_or_create(response=response, theme=theme, defaults=fields)
    except IntegrityError as exc:  # two first answers at the same instant: the second one is refused
        raise ValidationError(
            "Une réponse vient d'être enregistrée pour cette structure : rechargez la page."
        ) from exc
    return response


def structures_without_answer(census: Census) -> list[Structure]:
    answered = Response.objects.filter(census=census).values_list("structure_id", flat=True)
    return list(
        Structure.objects.filter(territory=census.territory, memberships__role=Membership.Role.MANAGER)
        .exclude(pk__in=answered)
        .distinct()
    )


def send_census_reminders(*, actor: Actor, census: Census, now: dt.datetime | None = None) -> int:
    """Tell the managers of the structures that have not answered yet (one notification each)."""
    permissions.require(actor, permissions.ANIMATE, census.territory, ANIMATION_ONLY)
    now = now or timezone.now()
    if not is_answerable(census, now):
        return 0
    structures = structures_without_answer(census)
    managers = User.objects.filter(
        memberships__structure__in=structures, memberships__role=Membership.Role.MANAGER, is_active=True
    ).distinct()
    with transaction.atomic():
        sent = notify(
            kind=KIND_CENSUS,
            territory=census.territory,
            recipients=managers,
            title="Recensement des besoins de formation : répondez avant le "
            f"{timezone.localtime(census.deadline):%d/%m/%Y}",
            body="Votre structure n'a pas encore répondu au recensement des besoins de formation. "
            "Quelques minutes suffisent ; vous pourrez modifier votre réponse jusqu'à la date limite.",
            url=path("training:census", census.pk),
            actor=actor,
        )
        Census.objects.filter(pk=census.pk).update(reminded_at=now)
    return len(sent)


def remind_due_censuses(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Periodic job: a reminder a week before the deadline of each open census (once)."""
    now = now or timezone.now()
    total = 0
    due = Census.objects.filter(
        status=CensusStatus.OPEN,
        deadline__gt=now,
        deadline__lte=now + dt.timedelta(days=7),
        reminded_at__isnull=True,
    )
    for census in due.select_related("territory"):
        total += send_census_reminders(actor=actor, census=census, now=now)
    return total


def close_due_censuses(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Periodic job: open censuses past their deadline are closed."""
    now = now or timezone.now()
    count = 0
    for census in Census.objects.filter(status=CensusStatus.OPEN, deadline__lte=now):
        transition(census, CensusStatus.CLOSED, actor=actor, note="date limite passée")
        count += 1
    return count
