"""Reporting a need: a signed-in person files it at once; a citizen without an account files it by e-mail
and it waits, hidden, until the link sent to the address is confirmed (a POST on the page it opens)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from maillage.core.actors import Actor, is_system, require_actor, user_of, visitor
from maillage.core.machines import log_creation, transition
from maillage.core.mail import send_mail_on_commit, territory_url
from maillage.core.models import Commune, Territory
from maillage.core.tokens import make_token
from maillage.needs.models import Need, NeedCategory, NeedStatus
from maillage.needs.permissions import require_participant
from maillage.needs.services.common import clean_text, index_need
from maillage.needs.services.notices import tell_animators_of_new_need

CONFIRM_PURPOSE = "needs.confirm"
CONFIRM_MAX_AGE = timedelta(days=3)
PENDING_RETENTION = timedelta(days=7)
MAIL_LINK = visitor("lien du courriel")
STALE_LINK_MESSAGE = (
    "Ce lien de confirmation n'est plus valable : le signalement a déjà été confirmé ou a expiré. "
    "Signalez le besoin de nouveau depuis la page des besoins sociaux."
)


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": "Saisissez une adresse électronique valide, par exemple nom@exemple.fr."}
        ) from None
    return email


def _clean(
    *,
    territory: Territory,
    title: str,
    description: str,
    category: NeedCategory | None,
    communes: Sequence[Commune],
    latitude: float | None,
    longitude: float | None,
    public_concerned: str,
    evidence: str,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for field, value, label, limit, required in (
        ("title", title, "Le titre du besoin", 160, True),
        ("description", description, "La description du besoin", 5000, True),
        ("public_concerned", public_concerned, "Le public concerné", 200, False),
        ("evidence", evidence, "Les éléments à l'appui", 5000, False),
    ):
        try:
            cleaned[field] = clean_text(value, field, label, limit=limit, required=required)
        except ValidationError as exc:
            errors[field] = exc.message_dict[field][0]
    if category is None or category.territory_id != territory.pk or not category.is_active:
        errors["category"] = "Choisissez une catégorie proposée par le territoire."
    own = set(territory.communes.values_list("pk", flat=True))
    if any(c.pk not in own for c in communes):
        errors["communes"] = "Choisissez des communes du territoire."
    if (latitude is None) != (longitude is None):
        errors["latitude"] = "Indiquez la latitude et la longitude du point, ou aucune des deux."
    elif (
        latitude is not None
        and longitude is not None
        and not (-90 <= latitude <= 90 and -180 <= longitude <= 180)
    ):
        errors["latitude"] = "Ce point n'existe pas : la latitude va de -90 à 90, la longitude de -180 à 180."
    if not communes and latitude is None and "latitude" not in errors and "communes" not in errors:
        errors["communes"] = "Indiquez au moins une commune concernée, ou un point sur la carte."
    if errors:
        raise ValidationError(errors)
    return cleaned


def _create(
    *, territory: Territory, category: NeedCategory, communes: Sequence[Commune], **fields: Any
) -> Need:
    need = Need.objects.create(territory=territory, category=category, **fields)
    if communes:
        need.communes.set(communes)
    return need


@transaction.atomic
def report_need(
    *,
    actor: Actor,
    territory: Territory,
    title: str,
    description: str,
    category: NeedCategory | None,
    communes: Sequence[Commune] = (),
    latitude: float | None = None,
    longitude: float | None = None,
    public_concerned: str = "",
    evidence: str = "",
    anonymous: bool = False,
    reporter_name: str = "",
) -> Need:
    """A signed-in person (or the system, for the demo) reports a need: it is in the register at once."""
    require_participant(actor, territory)
    cleaned = _clean(
        territory=territory,
        title=title,
        description=description,
        category=category,
        communes=communes,
        latitude=latitude,
        longitude=longitude,
        public_concerned=public_concerned,
        evidence=evidence,
    )
    user = user_of(actor)
    if not reporter_name and user is not None:
        reporter_name = f"{user.first_name} {user.last_name}".strip()
    assert category is not None  # checked by _clean
    need = _create(
        territory=territory,
        category=category,
        communes=communes,
        latitude=latitude,
        longitude=longitude,
        reporter=user,
        reporter_name=reporter_name[:120],
        anonymous=anonymous,
        status=NeedStatus.REPORTED,
        **cleaned,
    )
    log_creation(need, actor=actor, note="Besoin signalé.")
    index_need(need)
    tell_animators_of_new_need(actor=actor, need=need)
    return need


def confirmation_token(need: Need) -> str:
    return make_token(CONFIRM_PURPOSE, {"t": need.territory_id, "n": need.pk}, single_use=True)


@transaction.atomic
def request_need(
    *,
    actor: Actor,
    territory: Territory,
    email: str,
    title: str,
    description: str,
    category: NeedCategory | None,
    communes: Sequence[Commune] = (),
    latitude: float | None = None,
    longitude: float | None = None,
    public_concerned: str = "",
    evidence: str = "",
    anonymous: bool = True,
    reporter_name: str = "",
) -> Need:
    """A citizen without an account reports a need: kept hidden, and a confirmation link is mailed to the
    address (on commit). `actor` is `visitor("formulaire public")`."""
    require_actor(actor)
    if not is_system(actor):
        raise ValidationError("Une personne connectée signale un besoin directement, sans confirmation.")
    email = normalise_email(email)
    cleaned = _clean(
        territory=territory,
        title=title,
        description=description,
        category=category,
        communes=communes,
        latitude=latitude,
        longitude=longitude,
        public_concerned=public_concerned,
        evidence=evidence,
    )
    name = clean_text(reporter_name, "reporter_name", "Votre nom", limit=120, required=False)
    assert category is not None
    need = _create(
        territory=territory,
        category=category,
        communes=communes,
        latitude=latitude,
        longitude=longitude,
        reporter_email=email,
        reporter_name=name,
        anonymous=anonymous or not name,
        status=NeedStatus.UNCONFIRMED,
        **cleaned,
    )
    log_creation(need, actor=actor, note="Signalement reçu, en attente de la confirmation de l'adresse.")
    index_need(need)
    send_mail_on_commit(
        territory=territory,
        to=email,
        template="needs_confirm",
        context={
            "need_title": need.title,
            "confirm_url": territory_url(territory, "needs:confirm", token=confirmation_token(need)),
        },
    )
    return need


def pending_need(*, territory: Territory, payload: Any) -> Need | None:
    """The unconfirmed need a link designates, or None for a link no longer honoured."""
    if (
        not isinstance(payload, dict)
        or payload.get("t") != territory.pk
        or not isinstance(payload.get("n"), int)
    ):
        return None
    return Need.objects.filter(
        territory=territory,
        pk=payload["n"],
        status=NeedStatus.UNCONFIRMED,
        created_at__gte=timezone.now() - PENDING_RETENTION,
    ).first()


@transaction.atomic
def confirm_need(*, territory: Territory, payload: Any) -> Need:
    """The link's POST: the need enters the register (unconfirmed → reported)."""
    need = pending_need(territory=territory, payload=payload)
    if need is None:
        raise ValidationError(STALE_LINK_MESSAGE)
    transition(need, NeedStatus.REPORTED, actor=MAIL_LINK, note="Adresse confirmée : besoin signalé.")
    index_need(need)
    tell_animators_of_new_need(actor=MAIL_LINK, need=need)
    return need


def need_path(need: Need) -> str:
    return reverse("needs:detail", kwargs={"pk": need.pk})
