"""Signed, expiring tokens for links sent by e-mail, with a per-purpose salt and optional single use.

A token carries a small JSON payload signed with `django.core.signing` (salt ``maillage.token.<purpose>``:
a token made for one purpose is worthless for another). `read_token()` checks it without side effect (for
the GET page a link opens); `spend_token()` checks it and, for a single-use token, records it in
`core.UsedToken` under a unique constraint, so two concurrent POSTs spend it once. Errors carry French
messages fit for the page.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from maillage.core.models import UsedToken


class TokenError(Exception):
    message = _("Ce lien n'est pas valide.")

    def __init__(self, message: str | None = None) -> None:
        super().__init__(str(message or self.message))


class TokenInvalid(TokenError):
    message = _("Ce lien n'est pas valide.")


class TokenExpired(TokenError):
    message = _("Ce lien a expiré.")


class TokenUsed(TokenError):
    message = _("Ce lien a déjà été utilisé.")


def _salt(purpose: str) -> str:
    if not purpose or ":" in purpose:
        raise ValueError("A token purpose is a non-empty name without « : ».")
    return f"maillage.token.{purpose}"


def _digest(purpose: str, nonce: str) -> str:
    return hashlib.sha256(f"{purpose}:{nonce}".encode()).hexdigest()


def make_token(purpose: str, payload: Any, *, single_use: bool = False) -> str:
    """A URL-safe signed token for `purpose` carrying a JSON-serialisable `payload`."""
    data: dict[str, Any] = {"p": payload}
    if single_use:
        data["n"] = secrets.token_urlsafe(12)
    return signing.dumps(data, salt=_salt(purpose), compress=True)


def _load(purpose: str, token: str, max_age: timedelta | int) -> dict[str, Any]:
    try:
        data = signing.loads(token, salt=_salt(purpose), max_age=max_age)
    except signing.SignatureExpired as exc:
        raise TokenExpired() from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise TokenInvalid() from exc
    if not isinstance(data, dict) or "p" not in data:
        raise TokenInvalid()
    return data


def read_token(purpose: str, token: str, max_age: timedelta | int) -> Any:
    """The payload of a valid, unexpired (and, if single-use, unspent) token. Changes nothing."""
    data = _load(purpose, token, max_age)
    nonce = data.get("n")
    if nonce and UsedToken.objects.filter(purpose=purpose, digest=_digest(purpose, str(nonce))).exists():
        raise TokenUsed()
    return data["p"]


def spend_token(purpose: str, token: str, max_age: timedelta | int) -> Any:
    """Check the token and, if single-use, spend it (atomically: a second spend raises `TokenUsed`).

    Call it inside the transaction that performs the action, so a failed action leaves the token unspent.
    """
    data = _load(purpose, token, max_age)
    nonce = data.get("n")
    if nonce:
        try:
            with transaction.atomic():
                UsedToken.objects.create(purpose=purpose, digest=_digest(purpose, str(nonce)))
        except IntegrityError as exc:
            raise TokenUsed() from exc
    return data["p"]
