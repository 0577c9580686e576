"""Permission-scoped reads of accounts."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import models

from maillage.accounts.models import TerritoryRole, User
from maillage.core.models import Territory


class TerritoryRoleQuerySet:
    @staticmethod
    def for_user(user: Any, territory: Territory) -> models.QuerySet[TerritoryRole]:
        """Roles on a territory: all of them for its animators and moderators, one's own otherwise."""
        qs = TerritoryRole.objects.filter(territory=territory).select_related("user", "territory")
        if user is None or not user.is_authenticated:
            return qs.none()
        if user.has_perm("accounts.view_territory_roles", territory):
            return qs
        return qs.filter(user=user)

    @staticmethod
    def of_person(user: Any) -> models.QuerySet[TerritoryRole]:
        """The person's own roles, on every territory (« Mon espace »)."""
        if user is None or not user.is_authenticated:
            return TerritoryRole.objects.none()
        return TerritoryRole.objects.filter(user=user).select_related("territory").order_by("territory__name")


def email_addresses_of(user: Any) -> models.QuerySet[EmailAddress]:
    return EmailAddress.objects.filter(user=user).order_by("-primary", "email")


def active_user_by_email(email: str) -> Any:
    """The active account using `email` (any case), or None: whom the animation may name to a role."""
    return User.objects.filter(email__iexact=email.strip(), is_active=True).first()


def with_totp(user_ids: Any) -> set[int]:
    """Which of these people have set up a TOTP second factor."""
    return set(
        Authenticator.objects.filter(user__in=user_ids, type=Authenticator.Type.TOTP).values_list(
            "user_id", flat=True
        )
    )
