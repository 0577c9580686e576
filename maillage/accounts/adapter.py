"""django-allauth adapters.

- Links in mails are built from the territory's canonical URL, never from the Host header, and allauth's
  mails use the site's mail layout and go out through the « mail » task queue once the transaction commits
  (`maillage.core.mail`).
- A person whose role requires TOTP (animator, moderator, superuser) cannot remove it.
"""

from __future__ import annotations

from email.utils import formataddr, parseaddr
from typing import Any
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from maillage.core.mail import layout_context, send_prepared_message_on_commit
from maillage.core.models import Territory
from maillage.core.ratelimit import client_ip


def territory_for(request: HttpRequest | None) -> Territory | None:
    """The request's territory, else the default one (mails sent outside a request)."""
    territory = getattr(request, "territory", None) if request is not None else None
    if territory is not None:
        return territory
    return Territory.objects.filter(slug=settings.MAILLAGE_DEFAULT_TERRITORY).first() or (
        Territory.objects.order_by("pk").first()
    )


class _TerritorySite:
    """What allauth's templates read as `current_site`, made from the territory."""

    def __init__(self, territory: Territory) -> None:
        self.name = territory.name
        self.domain = territory.canonical_host


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        """allauth's rate limits key on the same client address as the rest (MAILLAGE_TRUSTED_PROXIES)."""
        return client_ip(request)

    def _absolute(self, request: HttpRequest | None, path: str) -> str:
        territory = territory_for(request)
        if territory is None:
            return request.build_absolute_uri(path) if request is not None else path
        return territory.absolute_url(path)

    def build_absolute_uri(
        self, request: HttpRequest | None, location: str, protocol: str | None = None
    ) -> str:
        return self._absolute(request, location)

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        return self._absolute(request, reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return self._absolute(allauth_context.request, path.replace("UID-KEY", quote(key)))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        territory = territory_for(request)
        ctx: dict[str, Any] = {"request": request, "email": email}
        if territory is not None:
            ctx.update(layout_context(territory))
            ctx["current_site"] = _TerritorySite(territory)
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        if territory is not None:
            message.from_email = formataddr((territory.name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))
        send_prepared_message_on_commit(message)


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": (
            "Votre rôle (animation, modération ou administration) demande une double authentification : "
            "vous ne pouvez pas la désactiver. Vous pouvez en revanche générer de nouveaux codes de secours."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.TOTP and authenticator.user.requires_mfa:
            return False
        return super().can_delete_authenticator(authenticator)
