"""Reads of core data: chainable QuerySets (`Model.objects`), each with a permission-scoped `for_user()`.

No model is imported here (models.py imports these classes for its managers); the host → territory lookup
lives in `maillage.core.territories`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from maillage.core.models import Commune, PersonalDataAccess, Territory  # noqa: F401 - in strings


class TerritoryQuerySet(models.QuerySet["Territory"]):
    def active(self) -> TerritoryQuerySet:
        return self.filter(is_active=True)

    def for_user(self, user: Any) -> TerritoryQuerySet:
        """The territories a person may see: the active ones (all of them for a superuser)."""
        if user is not None and getattr(user, "is_superuser", False):
            return self.all()
        return self.active()


class CommuneQuerySet(models.QuerySet["Commune"]):
    def of_territory(self, territory: Territory) -> CommuneQuerySet:
        return self.filter(territories=territory).order_by("name")

    def for_user(self, user: Any, territory: Territory) -> CommuneQuerySet:
        """The communes of a territory are public: everybody sees them."""
        return self.of_territory(territory)


class PersonalDataAccessQuerySet(models.QuerySet["PersonalDataAccess"]):
    def for_user(self, user: Any) -> PersonalDataAccessQuerySet:
        """The log of personal-data exports: a person sees the exports she made, a superuser all of them."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if getattr(user, "is_superuser", False):
            return self.all()
        return self.filter(actor=user)
