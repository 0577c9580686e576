"""Writes of the jury: invite by e-mail (the link opens a page, a POST accepts), declare conflicts of
interest, assign applications (all or a subset), score per criterion with a comment.

A juror tied to an applicant (member of its structure or a declared conflict) cannot score it: the service
refuses, and the querysets never show it to them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from maillage.accounts.models import User
from maillage.calls.models import (
    Application,
    AppStatus,
    Assignment,
    Call,
    CallStatus,
    Conflict,
    Juror,
    JurorStatus,
    Score,
)
from maillage.calls.permissions import is_tied, require_animator, require_juror
from maillage.calls.services import notices
from maillage.calls.services.common import clean_text
from maillage.core.actors import Actor, is_system
from maillage.core.db import lock_row
from maillage.core.machines import TransitionError, log_creation, transition


@transaction.atomic
def invite_juror(*, actor: Actor, call: Call, email: str, name: str, all_applications: bool = True) -> Juror:
    require_animator(actor, call.territory)
    call.refresh_from_db(fields=["status"])  # its status now, not the caller's copy
    if call.status == CallStatus.DECIDED:
        raise ValidationError("Le jury de cet appel a déjà délibéré.")
    email = clean_text(email, "email", "L'adresse électronique", limit=254).lower()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise ValidationError({"email": "Saisissez une adresse électronique valide."})
    name = clean_text(name, "name", "Le nom", limit=150)
    already = f"{email} est déjà invité(e) dans le jury de cet appel."
    if Juror.objects.filter(call=call, email=email).exists():
        raise ValidationError({"email": already})
    try:
        with transaction.atomic():
            juror = Juror.objects.create(call=call, email=email, name=name, all_applications=all_applications)
    except IntegrityError:
        raise ValidationError({"email": already}) from None
    log_creation(juror, actor=actor, note="invitation")
    notices.invite_juror(juror)
    return juror


@transaction.atomic
def answer_invitation(*, actor: Actor, juror: Juror, accept: bool) -> Juror:
    """The invitee, signed in, accepts (their account joins the jury) or declines."""
    if is_system(actor) or not isinstance(actor, User):
        raise PermissionDenied("Connectez-vous pour répondre à l'invitation.")
    if accept and Juror.objects.filter(call_id=juror.call_id, user=actor).exclude(pk=juror.pk).exists():
        raise ValidationError("Vous faites déjà partie du jury de cet appel.")
    to = JurorStatus.ACCEPTED if accept else JurorStatus.DECLINED
    try:
        return transition(juror, to, actor=actor, also={"user": actor} if accept else {})
    except TransitionError:
        raise ValidationError("Vous avez déjà répondu à cette invitation.") from None


@transaction.atomic
def declare_conflicts(*, actor: Actor, juror: Juror, ties: Mapping[int, str]) -> list[Conflict]:
    """Replace the juror's declaration: {structure id: nature of the tie} among the call's applicants.
    An empty mapping declares « no conflict ». Scores already given to a now-tied applicant are removed."""
    require_juror(actor, juror)
    applicants = set(juror.call.applications.values_list("structure_id", flat=True))
    unknown = set(ties) - applicants
    if unknown:
        raise ValidationError("Déclarez des liens seulement avec les structures candidates à cet appel.")
    juror.conflicts.all().delete()
    conflicts = Conflict.objects.bulk_create(
        Conflict(juror=juror, structure_id=sid, note=(note or "").strip()[:300]) for sid, note in ties.items()
    )
    Score.objects.filter(juror=juror, application__structure_id__in=list(ties)).delete()
    Juror.objects.filter(pk=juror.pk).update(conflicts_declared_at=timezone.now())
    return conflicts


@transaction.atomic
def assign_applications(*, actor: Actor, juror: Juror, applications: Iterable[Application] | None) -> int:
    """None: the juror evaluates every eligible application; otherwise only those listed."""
    require_animator(actor, juror.call.territory)
    juror.call.refresh_from_db(fields=["status"])
    if juror.call.status == CallStatus.DECIDED:
        raise ValidationError("Le jury de cet appel a déjà délibéré : les candidatures ne se confient plus.")
    juror.assignments.all().delete()
    if applications is None:
        Juror.objects.filter(pk=juror.pk).update(all_applications=True)
        return 0
    chosen = [a for a in applications if a.call_id == juror.call_id]
    Juror.objects.filter(pk=juror.pk).update(all_applications=False)
    Assignment.objects.bulk_create(Assignment(juror=juror, application=a) for a in chosen)
    return len(chosen)


@transaction.atomic
def score_application(
    *, actor: Actor, juror: Juror, application: Application, scores: Mapping[int, tuple[int, str]]
) -> list[Score]:
    """Save the juror's scores {criterion id: (0..10, comment)} for one application."""
    require_juror(actor, juror)
    if application.call_id != juror.call_id:
        raise PermissionDenied("Cette candidature ne relève pas de votre jury.")
    if is_tied(juror, application.structure_id):
        raise PermissionDenied(
            "Vous avez un lien avec cette structure candidate (conflit d'intérêts) : "
            "vous ne pouvez pas la noter."
        )
    if not juror.all_applications and not juror.assignments.filter(application=application).exists():
        raise PermissionDenied("Cette candidature ne vous a pas été confiée.")
    if application.status != AppStatus.ELIGIBLE or juror.call.status != CallStatus.CLOSED:
        raise ValidationError("Cette candidature n'est pas ou plus en cours d'évaluation.")
    # The call's row is locked, as `set_criteria` does: the criteria cannot change under a first score.
    lock_row(Call.objects.all(), juror.call_id)
    criteria = {c.pk: c for c in juror.call.criteria.all()}
    if set(scores) != set(criteria):
        raise ValidationError("Notez chaque critère.")
    saved = []
    for cid, (value, comment) in scores.items():
        if not isinstance(value, int) or not 0 <= value <= 10:
            raise ValidationError(f"« {criteria[cid].label} » : la note est un entier de 0 à 10.")
        score, _created = Score.objects.update_or_create(
            juror=juror,
            application=application,
            criterion_id=cid,
            defaults={"value": value, "comment": (comment or "").strip()[:2000]},
        )
        saved.append(score)
    return saved
