"""Writes of the charter. Every function is keyword-only, typed, runs in one transaction, and raises a
French `ValidationError` (or `PermissionDenied`) on bad input, having changed nothing.

Mails are sent with `send_mail_on_commit` (after the transaction commits; a rollback sends nothing).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from maillage.actors.models import Membership, Structure
from maillage.charter.models import (
    VERSION_TRANSITIONS,
    Amendment,
    AmendmentStatus,
    AmendmentSupport,
    Article,
    Charter,
    CharterVersion,
    Comment,
    Signature,
    SignatureEvent,
    SignatureStatus,
    VersionStatus,
    VersionTransition,
)
from maillage.charter.querysets import ceremonies_for
from maillage.core.db import lock_row
from maillage.core.mail import send_mail_on_commit
from maillage.core.models import Territory
from maillage.events.models import Event

MAX_TEXT = 20_000


def _check_animator(actor: Any, territory: Territory) -> None:
    if actor is not None and not actor.has_perm("charter.animate", territory):
        raise PermissionDenied("Seule l'animation du territoire peut rédiger et faire évoluer la charte.")


def _check_contributor(actor: Any, territory: Territory) -> None:
    if actor is None or not actor.has_perm("charter.contribute", territory):
        raise PermissionDenied(
            "Seuls les membres des structures du territoire et l'animation peuvent contribuer à la charte."
        )


def _clean_text(value: str, field: str, label: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"{label} est obligatoire."})
    if len(value) > limit:
        raise ValidationError({field: f"{label} ne doit pas dépasser {limit} caractères."})
    return value


# --- charter and versions -----------------------------------------------------------------------------


@transaction.atomic
def get_or_create_charter(*, territory: Territory) -> Charter:
    charter, _ = Charter.objects.get_or_create(territory=territory)
    return charter


def _log_transition(
    version: CharterVersion, from_status: str, to_status: str, actor: Any, note: str = ""
) -> None:
    VersionTransition.objects.create(
        version=version, from_status=from_status, to_status=to_status, actor=actor, note=note[:500]
    )


@transaction.atomic
def create_version(*, actor: Any, territory: Territory, title: str = "") -> CharterVersion:
    """A new draft, copying the articles of the latest version (their keys too, so the diff pairs them)."""
    _check_animator(actor, territory)
    charter = get_or_create_charter(territory=territory)
    charter = lock_row(Charter.objects.all(), charter.pk)
    if charter.versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.OPEN]).exists():
        raise ValidationError(
            "Une version est déjà en cours de rédaction : adoptez-la ou poursuivez-la "
            "avant d'en créer une autre."
        )
    previous = charter.versions.order_by("-number").first()
    number = (charter.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = CharterVersion.objects.create(
        charter=charter,
        number=number,
        title=_clean_text(title, "title", "Le titre", required=False, limit=200),
        preamble=previous.preamble if previous else "",
    )
    if previous is not None:
        Article.objects.bulk_create(
            Article(version=version, key=a.key, position=a.position, title=a.title, body=a.body)
            for a in previous.articles.all()
        )
    _log_transition(version, "", VersionStatus.DRAFT, actor, "Création de la version")
    return version


def _check_editable(version: CharterVersion) -> None:
    if version.status not in (VersionStatus.DRAFT, VersionStatus.OPEN):
        raise ValidationError(
            f"La version {version.number} est {version.get_status_display()} : "
            "son texte ne peut plus changer."
        )


@transaction.atomic
def update_version(*, actor: Any, version: CharterVersion, title: str, preamble: str) -> CharterVersion:
    _check_animator(actor, version.charter.territory)
    version = lock_row(CharterVersion.objects.all(), version.pk)
    _check_editable(version)
    version.title = _clean_text(title, "title", "Le titre", required=False, limit=200)
    version.preamble = _clean_text(preamble, "preamble", "Le préambule", required=False)
    version.save(update_fields=["title", "preamble"])
    return version


@transaction.atomic
def save_article(
    *,
    actor: Any,
    version: CharterVersion,
    title: str,
    body: str,
    position: int | None = None,
    article: Article | None = None,
) -> Article:
    """Add an article to a draft or open version, or change one (title, text, position)."""
    _check_animator(actor, version.charter.territory)
    version = lock_row(CharterVersion.objects.all(), version.pk)
    _check_editable(version)
    if article is not None and article.version_id != version.pk:
        raise ValidationError("Cet article n'appartient pas à cette version.")
    title = _clean_text(title, "title", "Le titre", limit=200)
    body = _clean_text(body, "body", "Le texte de l'article")
    if position is not None and position < 1:
        raise ValidationError({"position": "La position doit être un nombre entier positif."})
    if article is None:
        last = version.articles.aggregate(m=Max("position"))["m"] or 0
        article = Article(version=version, position=position or last + 1)
    elif position is not None:
        article.position = position
    article.title = title
    article.body = body
    article.save()
    return article


@transaction.atomic
def delete_article(*, actor: Any, article: Article) -> None:
    version = article.version
    _check_animator(actor, version.charter.territory)
    version = lock_row(CharterVersion.objects.all(), version.pk)
    _check_editable(version)
    article.delete()


@transaction.atomic
def transition_version(
    *,
    actor: Any,
    version: CharterVersion,
    to_status: str,
    note: str = "",
    today: dt.date | None = None,
    invite: bool = True,
) -> CharterVersion:
    """Move a version along `VERSION_TRANSITIONS`. Adopting supersedes the previous adopted version and
    invites its signatories to sign the new one."""
    territory = version.charter.territory
    _check_animator(actor, territory)
    today = today or timezone.localdate()
    lock_row(Charter.objects.all(), version.charter_id)
    version = CharterVersion.objects.get(pk=version.pk)
    if to_status not in VERSION_TRANSITIONS.get(version.status, ()) or to_status == VersionStatus.SUPERSEDED:
        raise ValidationError(
            f"La version {version.number} est {version.get_status_display()} : "
            "ce changement n'est pas possible."
        )
    if to_status in (VersionStatus.OPEN, VersionStatus.ADOPTED) and not version.articles.exists():
        raise ValidationError("Une version sans article ne peut être ni ouverte aux commentaires ni adoptée.")
    previous = None
    if to_status == VersionStatus.ADOPTED:
        previous = version.charter.versions.filter(status=VersionStatus.ADOPTED).first()
        if previous is not None:
            previous.status = VersionStatus.SUPERSEDED
            previous.superseded_on = today
            previous.save(update_fields=["status", "superseded_on"])
            _log_transition(
                previous,
                VersionStatus.ADOPTED,
                VersionStatus.SUPERSEDED,
                actor,
                f"Remplacée par la v{version.number}",
            )
        version.adopted_on = today
    if to_status == VersionStatus.OPEN:
        version.opened_on = today
    from_status = version.status
    version.status = to_status
    version.save(update_fields=["status", "adopted_on", "opened_on"])
    _log_transition(version, from_status, to_status, actor, note)
    if previous is not None and invite:
        invite_previous_signatories(version=version, previous=previous)
    return version


def invite_previous_signatories(*, version: CharterVersion, previous: CharterVersion) -> int:
    """Mail the managers of every structure with an active signature of `previous` (on commit). Returns
    the number of mails queued."""
    territory = version.charter.territory
    signatures = (
        Signature.objects.filter(version=previous, status=SignatureStatus.ACTIVE)
        .select_related("structure")
        .order_by("structure__name")
    )
    count = 0
    for signature in signatures:
        managers = list(
            Membership.objects.filter(
                structure=signature.structure, role=Membership.Role.MANAGER, user__is_active=True
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
        if not managers:
            continue
        link = territory.absolute_url(
            reverse("charter:sign", kwargs={"number": version.number})
            + f"?structure={signature.structure.slug}"
        )
        send_mail_on_commit(
            territory=territory,
            to=managers,
            template="charter_invitation",
            context={
                "structure_name": signature.structure.name,
                "previous_number": previous.number,
                "number": version.number,
                "adopted_on": version.adopted_on,
                "sign_url": link,
                "diff_url": territory.absolute_url(
                    reverse("charter:diff") + f"?de={previous.number}&a={version.number}"
                ),
            },
        )
        count += 1
    return count


# --- signatures ---------------------------------------------------------------------------------------


@transaction.atomic
def sign_charter(
    *,
    actor: Any,
    version: CharterVersion,
    structure: Structure,
    signer_name: str,
    signer_role: str,
    commitment: bool,
    signed_on: dt.date | None = None,
    ceremony: Event | None = None,
) -> Signature:
    """A manager signs an adopted version on behalf of their structure. One active signature per structure
    and version: the structure's row is locked, and the database constraint is the last guard."""
    if structure.territory_id != version.charter.territory_id:
        raise ValidationError("Cette structure n'appartient pas au territoire de la charte.")
    if actor is not None and not actor.has_perm("charter.sign_for", structure):
        raise PermissionDenied("Seuls les gestionnaires de la structure peuvent signer la charte en son nom.")
    version = CharterVersion.objects.select_related("charter").get(pk=version.pk)  # its status now
    if version.status != VersionStatus.ADOPTED:
        raise ValidationError(
            f"La version {version.number} n'est pas la version adoptée de la charte : "
            "elle ne peut pas être signée."
        )
    if not commitment:
        raise ValidationError(
            {"commitment": "Cochez la case d'engagement pour signer la charte au nom de la structure."}
        )
    signer_name = _clean_text(signer_name, "signer_name", "Le nom de la personne qui signe", limit=150)
    signer_role = _clean_text(signer_role, "signer_role", "La fonction dans la structure", limit=150)
    signed_on = signed_on or timezone.localdate()
    if ceremony is not None:
        if ceremony.territory_id != version.charter.territory_id:
            raise ValidationError(
                {
                    "ceremony": "Ce rendez-vous n'appartient pas au territoire de la charte : choisissez une "
                    "cérémonie de signature du territoire."
                }
            )
        if not ceremonies_for(version, until=signed_on).filter(pk=ceremony.pk).exists():
            raise ValidationError(
                {
                    "ceremony": f"« {ceremony.title} » ne peut pas servir de cérémonie de signature pour la "
                    f"version {version.number} : choisissez un rendez-vous public du territoire (plénière ou "
                    "Rendez-vous de l'ESS), tenu depuis l'adoption de la version."
                }
            )
    lock_row(Structure.objects.all(), structure.pk)
    if Signature.objects.filter(structure=structure, version=version, status=SignatureStatus.ACTIVE).exists():
        raise ValidationError(f"{structure.name} a déjà signé la version {version.number} de la charte.")
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                version=version,
                structure=structure,
                signer_name=signer_name,
                signer_role=signer_role,
                commitment=True,
                signed_on=signed_on,
                signed_by=actor,
                ceremony=ceremony,
            )
    except IntegrityError:
        raise ValidationError(
            f"{structure.name} a déjà signé la version {version.number} de la charte."
        ) from None
    SignatureEvent.objects.create(signature=signature, action=SignatureEvent.Action.SIGNED, actor=actor)
    return signature


@transaction.atomic
def withdraw_signature(
    *, actor: Any, signature: Signature, reason: str, today: dt.date | None = None
) -> Signature:
    if actor is not None and not actor.has_perm("charter.withdraw_for", signature.structure):
        raise PermissionDenied(
            "Seuls les gestionnaires de la structure et l'animation peuvent retirer cette signature."
        )
    reason = _clean_text(reason, "reason", "La raison du retrait", limit=2000)
    signature = lock_row(Signature.objects.all(), signature.pk)
    if signature.status != SignatureStatus.ACTIVE:
        raise ValidationError("Cette signature a déjà été retirée.")
    signature.status = SignatureStatus.WITHDRAWN
    signature.withdrawn_on = today or timezone.localdate()
    signature.withdrawal_reason = reason
    signature.save(update_fields=["status", "withdrawn_on", "withdrawal_reason"])
    SignatureEvent.objects.create(
        signature=signature, action=SignatureEvent.Action.WITHDRAWN, actor=actor, note=reason
    )
    return signature


# --- collective writing -------------------------------------------------------------------------------


def _check_open(version: CharterVersion) -> None:
    version.refresh_from_db(fields=["status"])  # its status now, not the caller's copy
    if version.status != VersionStatus.OPEN:
        raise ValidationError(
            f"La version {version.number} n'est pas ouverte aux commentaires : "
            "on ne peut plus la commenter ni l'amender."
        )


@transaction.atomic
def comment_article(*, actor: Any, article: Article, body: str) -> Comment:
    version = article.version
    _check_contributor(actor, version.charter.territory)
    _check_open(version)
    body = _clean_text(body, "body", "Le commentaire", limit=5000)
    return Comment.objects.create(article=article, author=actor, body=body)


@transaction.atomic
def propose_amendment(
    *, actor: Any, version: CharterVersion, article_id: Any, text: str, rationale: str = ""
) -> Amendment:
    _check_contributor(actor, version.charter.territory)
    _check_open(version)
    try:
        article = version.articles.get(pk=int(article_id))
    except (TypeError, ValueError, Article.DoesNotExist):
        raise ValidationError(
            {"article": "Cet article n'existe pas dans cette version de la charte."}
        ) from None
    text = _clean_text(text, "text", "Le texte proposé")
    if text == article.body.strip():
        raise ValidationError({"text": "Le texte proposé est identique au texte actuel de l'article."})
    rationale = _clean_text(rationale, "rationale", "La justification", required=False, limit=5000)
    return Amendment.objects.create(
        article=article, author=actor, text=text, rationale=rationale, original_text=article.body
    )


@transaction.atomic
def support_amendment(*, actor: Any, amendment: Amendment) -> AmendmentSupport:
    _check_contributor(actor, amendment.article.version.charter.territory)
    _check_open(amendment.article.version)
    if amendment.status != AmendmentStatus.PROPOSED:
        raise ValidationError("Cet amendement a déjà été tranché : il ne peut plus recevoir de soutien.")
    if amendment.author_id == actor.pk:
        raise ValidationError("Vous ne pouvez pas soutenir votre propre amendement.")
    support, created = AmendmentSupport.objects.get_or_create(amendment=amendment, user=actor)
    if not created:
        raise ValidationError("Vous soutenez déjà cet amendement.")
    return support


def _decide(actor: Any, amendment: Amendment, status: str, reason: str) -> Amendment:
    amendment = lock_row(
        Amendment.objects.select_related("article__version__charter__territory"), amendment.pk
    )
    territory = amendment.article.version.charter.territory
    _check_animator(actor, territory)
    if actor is None:
        raise PermissionDenied("Seule l'animation du territoire peut trancher un amendement.")
    if amendment.status != AmendmentStatus.PROPOSED:
        raise ValidationError("Cet amendement a déjà été tranché.")
    _check_editable(amendment.article.version)
    amendment.status = status
    amendment.decided_by = actor
    amendment.decided_at = timezone.now()
    amendment.decision_reason = reason
    amendment.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    if amendment.author is not None and amendment.author.email:
        version = amendment.article.version
        send_mail_on_commit(
            territory=territory,
            to=amendment.author.email,
            template="charter_amendment_decided",
            context={
                "accepted": status == AmendmentStatus.ACCEPTED,
                "article_title": amendment.article.title,
                "number": version.number,
                "reason": reason,
                "amendment_url": territory.absolute_url(
                    reverse("charter:amendment", kwargs={"pk": amendment.pk})
                ),
            },
        )
    return amendment


@transaction.atomic
def accept_amendment(*, actor: Any, amendment: Amendment, reason: str = "") -> Amendment:
    """The animator accepts: the replacement text enters the working text of the version (logged on the
    amendment, which keeps the original text)."""
    reason = _clean_text(reason, "reason", "Le commentaire", required=False, limit=2000)
    amendment = _decide(actor, amendment, AmendmentStatus.ACCEPTED, reason)
    article = amendment.article
    article.body = amendment.text
    article.save(update_fields=["body"])
    return amendment


@transaction.atomic
def reject_amendment(*, actor: Any, amendment: Amendment, reason: str) -> Amendment:
    reason = _clean_text(reason, "reason", "La raison du rejet", limit=2000)
    return _decide(actor, amendment, AmendmentStatus.REJECTED, reason)
