"""Reads of the charter: chainable querysets, each with a permission-scoped `for_user()`.

`models.py` installs them (`objects = VersionQuerySet.as_manager()`), so this module does not import the
models: states are written as their stored values (« draft », « adopted », « active »…, the choices of
`models.py`). Page contexts and the figures built from these reads live in `selectors.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from maillage.charter.permissions import can_animate, can_contribute
from maillage.core.models import Territory

if TYPE_CHECKING:
    from maillage.charter.models import Amendment, CharterVersion, Signature  # noqa: F401

WORKING_STATES = ("draft", "open")


class VersionQuerySet(models.QuerySet["CharterVersion"]):
    def of_territory(self, territory: Territory) -> VersionQuerySet:
        return self.filter(charter__territory=territory)

    def public(self) -> VersionQuerySet:
        """Versions anyone may read: open, adopted, superseded (never a draft)."""
        return self.exclude(status="draft")

    def for_user(self, user: Any, territory: Territory) -> VersionQuerySet:
        """Public versions of the territory; drafts too for its animation."""
        qs = self.of_territory(territory)
        return qs if can_animate(user, territory) else qs.public()

    def adopted(self, territory: Territory) -> CharterVersion | None:
        """The version in force (at most one per charter)."""
        return self.of_territory(territory).filter(status="adopted").first()

    def working(self, territory: Territory) -> CharterVersion | None:
        """The version being written (draft or open; at most one per charter)."""
        return self.of_territory(territory).filter(status__in=WORKING_STATES).first()


class SignatureQuerySet(models.QuerySet["Signature"]):
    def of_territory(self, territory: Territory) -> SignatureQuerySet:
        return self.filter(version__charter__territory=territory)

    def active(self) -> SignatureQuerySet:
        return self.filter(status="active")

    def public(self, territory: Territory) -> SignatureQuerySet:
        """Signatures of the territory's published structures (active and withdrawn: history is public)."""
        return (
            self.of_territory(territory)
            .filter(structure__status="published")
            .select_related("version", "structure", "ceremony")
        )

    def for_user(self, user: Any, territory: Territory) -> SignatureQuerySet:
        """What a person may list: the public signatures (every signature is public once its structure
        is published); the animation sees those of unpublished structures too."""
        if can_animate(user, territory):
            return self.of_territory(territory).select_related("version", "structure", "ceremony")
        return self.public(territory)


class AmendmentQuerySet(models.QuerySet["Amendment"]):
    def of_territory(self, territory: Territory) -> AmendmentQuerySet:
        return self.filter(article__version__charter__territory=territory)

    def pending(self) -> AmendmentQuerySet:
        return self.filter(status="proposed")

    def for_user(self, user: Any, territory: Territory) -> AmendmentQuerySet:
        """Amendments of public versions, for the territory's contributors only (nobody else)."""
        if not can_contribute(user, territory):
            return self.none()
        return self.of_territory(territory).exclude(article__version__status="draft")
