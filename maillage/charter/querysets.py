"""Reads of the charter, scoped by territory and permission."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from maillage.actors.models import Membership, Structure
from maillage.charter.models import (
    Amendment,
    Charter,
    CharterVersion,
    Signature,
    SignatureStatus,
    VersionStatus,
)
from maillage.core.models import Territory
from maillage.events.models import Event, Kind, Visibility
from maillage.events.models import Status as EventStatus


def charter_of(territory: Territory) -> Charter | None:
    return Charter.objects.filter(territory=territory).first()


class VersionQuerySet:
    @staticmethod
    def for_user(user: Any, territory: Territory) -> models.QuerySet[CharterVersion]:
        """Public versions (open, adopted, superseded); drafts for the animation too."""
        qs = CharterVersion.objects.filter(charter__territory=territory)
        if user is not None and user.is_authenticated and user.has_perm("charter.animate", territory):
            return qs
        return qs.exclude(status=VersionStatus.DRAFT)

    @staticmethod
    def adopted(territory: Territory) -> CharterVersion | None:
        return CharterVersion.objects.filter(
            charter__territory=territory, status=VersionStatus.ADOPTED
        ).first()

    @staticmethod
    def working(territory: Territory) -> CharterVersion | None:
        return CharterVersion.objects.filter(
            charter__territory=territory, status__in=[VersionStatus.DRAFT, VersionStatus.OPEN]
        ).first()


class SignatureQuerySet:
    @staticmethod
    def public(territory: Territory) -> models.QuerySet[Signature]:
        """Signatures of the territory's published structures (active and withdrawn: history is public)."""
        return Signature.objects.filter(
            version__charter__territory=territory, structure__status=Structure.Status.PUBLISHED
        ).select_related("version", "structure", "ceremony")

    @staticmethod
    def for_manager(user: Any, territory: Territory) -> models.QuerySet[Signature]:
        return Signature.objects.filter(
            version__charter__territory=territory,
            structure__memberships__user=user,
            structure__memberships__role=Membership.Role.MANAGER,
        )


# Agenda events that may serve as a signing ceremony: gatherings of the actors, never a training or a
# workshop meeting; public and announced (published or closed), so that the public pages can link them.
CEREMONY_KINDS = (Kind.PLENARY, Kind.RENDEZ_VOUS, Kind.OTHER)


def ceremonies_for(version: CharterVersion, *, until: dt.date | None = None) -> models.QuerySet[Event]:
    """The territory's events a signature of `version` may be attached to: public, published or closed
    events of a suited kind, held from the version's adoption day up to `until` (default: today)."""
    territory_id = version.charter.territory_id
    until = until or timezone.localdate()
    tz = timezone.get_current_timezone()
    qs = Event.objects.filter(
        territory_id=territory_id,
        kind__in=CEREMONY_KINDS,
        visibility=Visibility.PUBLIC,
        status__in=[EventStatus.PUBLISHED, EventStatus.CLOSED],
        start__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )
    if version.adopted_on:
        qs = qs.filter(start__gte=dt.datetime.combine(version.adopted_on, dt.time.min, tzinfo=tz))
    return qs.order_by("-start", "-pk")


@dataclass
class SignatoryRow:
    structure: Structure
    latest: Signature  # the latest version this structure signed (active signature)
    current_number: int | None  # the adopted version's number

    @property
    def is_current(self) -> bool:
        return self.current_number is not None and self.latest.version.number == self.current_number


def signatories(
    territory: Territory, *, family: str = "", commune: str = "", status: str = "", q: str = ""
) -> list[SignatoryRow]:
    """One row per published structure with an active signature: its latest signed version.

    `status`: "" (all), "current" (signed the adopted version), "previous" (signed only an older one).
    """
    adopted = VersionQuerySet.adopted(territory)
    current_number = adopted.number if adopted else None
    signatures = (
        SignatureQuerySet.public(territory)
        .filter(status=SignatureStatus.ACTIVE)
        .select_related("structure__commune")
        .order_by("structure__name", "structure_id", "-version__number")
    )
    if family:
        signatures = signatures.filter(structure__family=family)
    if commune:
        signatures = signatures.filter(structure__commune__insee_code=commune)
    if q:
        signatures = signatures.filter(structure__name__icontains=q.strip()[:100])
    rows: list[SignatoryRow] = []
    seen: set[int] = set()
    for signature in signatures:
        if signature.structure_id in seen:
            continue
        seen.add(signature.structure_id)
        rows.append(SignatoryRow(signature.structure, signature, current_number))
    if status == "current":
        rows = [r for r in rows if r.is_current]
    elif status == "previous":
        rows = [r for r in rows if not r.is_current]
    return rows


@dataclass(frozen=True)
class SignatoryCounts:
    """What the charter's pages count, in words the directory shares: `current` is the number of published
    structures with an active signature of the adopted version (the directory's facet « signataire de la
    charte en vigueur » counts the same), `previous_only` those whose latest active signature is of an older
    version (they have not signed the version in force yet)."""

    current: int
    previous_only: int

    @property
    def total(self) -> int:
        return self.current + self.previous_only


def signatory_counts(territory: Territory, rows: list[SignatoryRow] | None = None) -> SignatoryCounts:
    """Counts of `rows` (default: every signatory of the territory), split by the version signed."""
    rows = signatories(territory) if rows is None else rows
    current = sum(1 for r in rows if r.is_current)
    return SignatoryCounts(current=current, previous_only=len(rows) - current)


def signatory_structure_ids(territory: Territory) -> models.QuerySet:
    """Ids of the published structures with an active signature of the adopted version (the directory's
    badge and facet « signataire de la charte en vigueur »; `signatory_counts().current` counts the same), as
    a values_list usable in a subquery."""
    return Signature.objects.filter(
        version__charter__territory=territory,
        structure__status=Structure.Status.PUBLISHED,
        version__status=VersionStatus.ADOPTED,
        status=SignatureStatus.ACTIVE,
    ).values_list("structure_id", flat=True)


def structure_badge(structure: Structure) -> str:
    """The badge text of a structure in the directory: '' when it never signed or has withdrawn."""
    latest = (
        Signature.objects.filter(structure=structure, status=SignatureStatus.ACTIVE)
        .select_related("version")
        .order_by("-version__number")
        .first()
    )
    if latest is None:
        return ""
    if latest.version.status == VersionStatus.ADOPTED:
        return f"Signataire de la charte (v{latest.version.number})"
    return f"Signataire de la charte v{latest.version.number}"


class AmendmentQuerySet:
    @staticmethod
    def for_user(user: Any, territory: Territory) -> models.QuerySet[Amendment]:
        if user is None or not user.is_authenticated or not user.has_perm("charter.contribute", territory):
            return Amendment.objects.none()
        return Amendment.objects.filter(article__version__charter__territory=territory).exclude(
            article__version__status=VersionStatus.DRAFT
        )
