"""Supports (« je rencontre aussi ce besoin »): once per person — a signed-in person at once, a citizen
through a link mailed to the address — with an optional testimony."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from maillage.core.actors import Actor, is_system, require_actor, user_of, visitor
from maillage.core.db import lock_row
from maillage.core.mail import send_mail_on_commit, territory_url
from maillage.core.tokens import make_token
from maillage.needs.models import OPEN_STATUSES, Need, Support
from maillage.needs.permissions import require_participant
from maillage.needs.services.common import clean_text
from maillage.needs.services.reporting import normalise_email

SUPPORT_PURPOSE = "needs.support"
SUPPORT_MAX_AGE = timedelta(days=3)
ALREADY = "Vous soutenez déjà ce besoin : chaque personne ne compte qu'une fois."
CLOSED = "Ce besoin n'est plus ouvert : il ne peut plus recevoir de soutien."
STALE_SUPPORT_MESSAGE = "Ce lien n'est plus valable : le soutien a déjà été confirmé ou a expiré."


def _open_need(need: Need) -> Need:
    locked = lock_row(Need.objects.all(), need.pk)
    if locked.status not in OPEN_STATUSES:
        raise ValidationError(CLOSED)
    return locked


@transaction.atomic
def support_need(*, actor: Actor, need: Need, testimony: str = "") -> Support:
    """A signed-in person says they meet this need too (once)."""
    require_participant(actor, need.territory)
    user = user_of(actor)
    if user is None:
        raise ValidationError("Un soutien est celui d'une personne : connectez-vous pour soutenir ce besoin.")
    locked = _open_need(need)
    testimony = clean_text(testimony, "testimony", "Le témoignage", limit=2000, required=False)
    if locked.reporter_id == user.pk:
        raise ValidationError("Vous avez signalé ce besoin : votre voix y compte déjà.")
    if Support.objects.filter(need=locked, user=user).exists():
        raise ValidationError(ALREADY)
    try:
        with transaction.atomic():
            return Support.objects.create(need=locked, user=user, testimony=testimony)
    except IntegrityError:
        raise ValidationError(ALREADY) from None


@transaction.atomic
def request_support(*, actor: Actor, need: Need, email: str, testimony: str = "") -> bool:
    """A citizen without an account supports a need: an unconfirmed support and a link mailed to the
    address. Returns whether a mail went (the page answers the same either way: nothing is revealed)."""
    if not is_system(require_actor(actor)):
        raise ValidationError("Une personne connectée soutient un besoin directement, sans confirmation.")
    email = normalise_email(email)
    locked = _open_need(need)
    testimony = clean_text(testimony, "testimony", "Le témoignage", limit=2000, required=False)
    existing = Support.objects.filter(need=locked, email=email).first()
    if existing is not None and existing.confirmed:
        return False
    if locked.reporter_email == email:
        return False
    if existing is None:
        existing = Support.objects.create(need=locked, email=email, testimony=testimony, confirmed=False)
    token = make_token(SUPPORT_PURPOSE, {"t": locked.territory_id, "s": existing.pk}, single_use=True)
    send_mail_on_commit(
        territory=locked.territory,
        to=email,
        template="needs_support_confirm",
        context={
            "need_title": locked.title,
            "confirm_url": territory_url(locked.territory, "needs:confirm_support", token=token),
        },
    )
    return True


def pending_support(*, territory: Any, payload: Any) -> Support | None:
    if (
        not isinstance(payload, dict)
        or payload.get("t") != territory.pk
        or not isinstance(payload.get("s"), int)
    ):
        return None
    return (
        Support.objects.filter(
            need__territory=territory,
            pk=payload["s"],
            confirmed=False,
            created_at__gte=timezone.now() - timedelta(days=7),
        )
        .select_related("need")
        .first()
    )


@transaction.atomic
def confirm_support(*, territory: Any, payload: Any) -> Support:
    support = pending_support(territory=territory, payload=payload)
    if support is None:
        raise ValidationError(STALE_SUPPORT_MESSAGE)
    _open_need(support.need)
    support.confirmed = True
    support.save(update_fields=["confirmed"])
    return support


MAIL_LINK = visitor("lien du courriel")
