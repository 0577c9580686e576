"""Permission-scoped reads of accounts: chainable QuerySets (`TerritoryRole.objects`) with `for_user()`.

No model of accounts is imported at module level (models.py imports these classes for its managers).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.db import models

if TYPE_CHECKING:
    from maillage.accounts.models import TerritoryRole, User  # noqa: F401 - in strings
    from maillage.core.models import Territory


class TerritoryRoleQuerySet(models.QuerySet["TerritoryRole"]):
    def for_user(self, user: Any, territory: Territory) -> TerritoryRoleQuerySet:
        """Roles on a territory: all of them for its animators and moderators, one's own otherwise."""
        qs = self.filter(territory=territory).select_related("user", "territory")
        if user is None or not user.is_authenticated:
            return qs.none()
        if user.has_perm("accounts.view_territory_roles", territory):
            return qs
        return qs.filter(user=user)

    def of_person(self, user: Any) -> TerritoryRoleQuerySet:
        """The person's own roles, on every territory (« Mon espace »)."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user).select_related("territory").order_by("territory__name")


def email_addresses_of(user: Any) -> models.QuerySet[EmailAddress]:
    return EmailAddress.objects.filter(user=user).order_by("-primary", "email")


def active_user_by_email(email: str) -> User | None:
    """The active account using `email` (any case), or None: whom the animation may name to a role."""
    return get_user_model()._default_manager.filter(email__iexact=email.strip(), is_active=True).first()


def with_totp(user_ids: Iterable[int]) -> set[int]:
    """Which of these people have set up a TOTP second factor."""
    return set(
        Authenticator.objects.filter(user__in=user_ids, type=Authenticator.Type.TOTP).values_list(
            "user_id", flat=True
        )
    )
