"""Issuing and revoking API keys. The clear key exists only in the `IssuedKey` returned by `issue_key`
(shown once on the page); the database keeps its SHA-256 and its first characters."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from maillage.api.models import DEFAULT_HOURLY_LIMIT, ApiKey
from maillage.api.permissions import require_key_manager
from maillage.api.querysets import hash_key
from maillage.core.actors import Actor, user_of
from maillage.core.models import Territory

KEY_PREFIX = "mlg_"
PREFIX_LENGTH = 12  # « mlg_ » and the first 8 random characters
MIN_LIMIT, MAX_LIMIT = 600, 100_000
USE_RESOLUTION = dt.timedelta(minutes=5)  # last_used_at is written at most this often per key


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    clear: str  # shown once; never stored


def _text(value: str | None, field: str, label: str, *, limit: int) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise ValidationError({field: f"{label} est obligatoire."})
    if len(text) > limit:
        raise ValidationError({field: f"{label} ne doit pas dépasser {limit} caractères."})
    return text


@transaction.atomic
def issue_key(
    *,
    actor: Actor,
    territory: Territory,
    holder_name: str,
    holder_email: str,
    purpose: str,
    hourly_limit: int = DEFAULT_HOURLY_LIMIT,
) -> IssuedKey:
    require_key_manager(actor, territory)
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for field, label, limit, value in (
        ("holder_name", "Le nom du titulaire", 120, holder_name),
        ("purpose", "L'usage prévu", 1000, purpose),
    ):
        try:
            cleaned[field] = _text(value, field, label, limit=limit)
        except ValidationError as exc:
            errors[field] = exc.message_dict[field][0]
    email = (holder_email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        errors["holder_email"] = "Saisissez une adresse électronique valide, par exemple nom@exemple.fr."
    if not isinstance(hourly_limit, int) or not MIN_LIMIT <= hourly_limit <= MAX_LIMIT:
        errors["hourly_limit"] = f"La limite doit être un nombre entre {MIN_LIMIT} et {MAX_LIMIT:,}.".replace(
            ",", "\u202f"
        )
    if errors:
        raise ValidationError(errors)
    clear = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        territory=territory,
        prefix=clear[:PREFIX_LENGTH],
        key_hash=hash_key(clear),
        holder_email=email,
        hourly_limit=hourly_limit,
        created_at=timezone.now(),
        created_by=user_of(actor),
        **cleaned,
    )
    return IssuedKey(key=key, clear=clear)


@transaction.atomic
def revoke_key(*, actor: Actor, key: ApiKey) -> ApiKey:
    require_key_manager(actor, key.territory)
    locked = ApiKey.objects.select_for_update().get(pk=key.pk)
    if locked.revoked_at is not None:
        raise ValidationError(f"La clé {locked.prefix}… est déjà révoquée.")
    locked.revoked_at = timezone.now()
    locked.revoked_by = user_of(actor)
    locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked


def record_use(key: ApiKey, *, now: dt.datetime | None = None) -> None:
    """Note that the key was used; written at most every few minutes (one UPDATE, no lock)."""
    now = now or timezone.now()
    if key.last_used_at is not None and now - key.last_used_at < USE_RESOLUTION:
        return
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    key.last_used_at = now


def erase_person(user: Any, *, replacement: Any = None) -> None:
    """A person leaves: keys held under their address lose it (and are revoked); their name leaves the
    keys they issued or revoked."""
    email = (getattr(user, "email", "") or "").strip()
    if email:
        ApiKey.objects.filter(holder_email__iexact=email, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        ApiKey.objects.filter(holder_email__iexact=email).update(holder_email="", holder_name="(effacé)")
    ApiKey.objects.filter(created_by=user).update(created_by=None)
    ApiKey.objects.filter(revoked_by=user).update(revoked_by=None)
