"""What the charter's pages and its neighbours read: the signatories and their counts, the ceremonies a
signature may point to, and the context of each page (the views only add their forms and render).

Every read goes through the scoped querysets of `querysets.py` (`CharterVersion.objects.for_user(…)`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone

from maillage.actors.models import Membership, Structure
from maillage.charter.diff import diff_versions, word_diff
from maillage.charter.models import (
    TRANSITION_LABELS,
    Amendment,
    Article,
    Charter,
    CharterVersion,
    Signature,
    SignatureStatus,
    VersionStatus,
)
from maillage.charter.permissions import can_animate, can_contribute, can_withdraw_for
from maillage.core.models import Territory
from maillage.events.models import Event, Kind, Visibility
from maillage.events.models import Status as EventStatus


def crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("Accueil", reverse("core:home")), ("Charte", reverse("charter:home")), *items]


# --- ceremonies -----------------------------------------------------------------------------------------

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


# --- signatories ----------------------------------------------------------------------------------------


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
    adopted = CharterVersion.objects.adopted(territory)
    current_number = adopted.number if adopted else None
    signatures = (
        Signature.objects.public(territory)
        .active()
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


def signatory_structures(
    territory: Territory, *, family: str = "", commune: str = "", status: str = "", q: str = ""
) -> models.QuerySet[Structure]:
    """The published structures with an active signature, as a queryset (the API pages it by cursor);
    `signatory_rows` gives their rows. Same filters as `signatories`."""
    active = Signature.objects.of_territory(territory).active()
    qs = Structure.objects.filter(
        territory=territory, status="published", pk__in=active.values("structure_id")
    )
    if family:
        qs = qs.filter(family=family)
    if commune:
        qs = qs.filter(commune__insee_code=commune)
    if q:
        qs = qs.filter(name__icontains=q.strip()[:100])
    if status in ("current", "previous"):
        adopted = CharterVersion.objects.adopted(territory)
        signed = active.filter(version=adopted) if adopted else Signature.objects.none()
        ids = signed.values("structure_id")
        qs = qs.filter(pk__in=ids) if status == "current" else qs.exclude(pk__in=ids)
    return qs.select_related("commune")


def signatory_rows(territory: Territory, structures: list[Structure]) -> list[SignatoryRow]:
    """The rows of these signatory structures (in their order): each one's latest active signature."""
    adopted = CharterVersion.objects.adopted(territory)
    latest: dict[int, Signature] = {}
    for signature in (
        Signature.objects.of_territory(territory)
        .active()
        .filter(structure__in=[s.pk for s in structures])
        .select_related("version")
        .order_by("structure_id", "-version__number")
    ):
        latest.setdefault(signature.structure_id, signature)
    number = adopted.number if adopted else None
    return [SignatoryRow(s, latest[s.pk], number) for s in structures if s.pk in latest]


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
    return (
        Signature.objects.public(territory)
        .active()
        .filter(version__status=VersionStatus.ADOPTED)
        .values_list("structure_id", flat=True)
    )


def signatory_points(rows: list[SignatoryRow]) -> list[dict[str, Any]]:
    """The map's markers: one per signatory whose commune is placed."""
    return [
        {
            "name": r.structure.name,
            "url": reverse("charter:structure", kwargs={"slug": r.structure.slug}),
            "lat": r.structure.commune.latitude,
            "lng": r.structure.commune.longitude,
            "version": r.latest.version.number,
        }
        for r in rows
        if r.structure.commune and r.structure.commune.latitude is not None
    ]


def signatory_communes(territory: Territory) -> list[tuple[str, str]]:
    """(INSEE code, name) of the communes with at least one signatory: the list's commune filter."""
    return list(
        Structure.objects.filter(territory=territory, charter_signatures__status=SignatureStatus.ACTIVE)
        .exclude(commune=None)
        .values_list("commune__insee_code", "commune__name")
        .distinct()
        .order_by("commune__name")
    )


# --- public pages ---------------------------------------------------------------------------------------


def home_context(user: Any, territory: Territory) -> dict[str, Any]:
    versions = list(CharterVersion.objects.for_user(user, territory).order_by("-number"))
    adopted = next((v for v in versions if v.status == VersionStatus.ADOPTED), None)
    return {
        "charter": Charter.objects.filter(territory=territory).first(),
        "version": adopted,
        "articles": adopted.articles.all() if adopted else [],
        "versions": versions,
        "open_version": next((v for v in versions if v.status == VersionStatus.OPEN), None),
        "counts": signatory_counts(territory),
        "can_animate": can_animate(user, territory),
        "breadcrumbs": [("Accueil", reverse("core:home")), ("Charte", None)],
    }


def version_context(user: Any, territory: Territory, version: CharterVersion) -> dict[str, Any]:
    contributor = can_contribute(user, territory)
    articles = version.articles.all()
    counts = {}
    if contributor:
        for article in articles:
            counts[article.pk] = (article.comments.count(), article.amendments.count())
    return {
        "version": version,
        "rows": [(a, counts.get(a.pk, (0, 0))) for a in articles],
        "previous": CharterVersion.objects.for_user(user, territory)
        .filter(number__lt=version.number)
        .order_by("-number")
        .first(),
        "can_contribute": contributor,
        "transitions": version.transitions.all(),
        "breadcrumbs": crumbs((f"Version {version.number}", None)),
    }


def diff_context(user: Any, territory: Territory, de: str, a: str) -> dict[str, Any]:
    """Two versions side by side (`de` and `a` as typed in the address; the last two by default)."""
    versions = list(CharterVersion.objects.for_user(user, territory).order_by("number"))
    by_number = {v.number: v for v in versions}
    error = ""
    old = new = None
    diff = []
    try:
        first, second = int(de or 0), int(a or 0)
    except ValueError:
        first = second = 0
        error = "Choisissez deux versions de la charte à comparer."
    if not first and not second and len(versions) >= 2:
        first, second = versions[-2].number, versions[-1].number
    if first or second:
        old, new = by_number.get(first), by_number.get(second)
        if old is None or new is None:
            error = "Cette version de la charte n'existe pas."
            old = new = None
        elif old == new:
            error = "Choisissez deux versions différentes."
            old = new = None
        else:
            diff = diff_versions(list(old.articles.all()), list(new.articles.all()))
    return {
        "versions": versions,
        "old": old,
        "new": new,
        "diff": diff,
        "error": error,
        "added": sum(d.words_added for d in diff),
        "removed": sum(d.words_removed for d in diff),
        "breadcrumbs": crumbs(("Comparer deux versions", None)),
    }


def structure_context(user: Any, territory: Territory, structure: Structure) -> dict[str, Any]:
    signatures = list(
        Signature.objects.for_user(user, territory)
        .filter(structure=structure)
        .order_by("-version__number", "-signed_on", "-pk")
    )
    adopted = CharterVersion.objects.adopted(territory)
    return {
        "structure": structure,
        "signatures": signatures,
        "adopted": adopted,
        "signed_current": adopted is not None
        and any(s.is_active and s.version_id == adopted.pk for s in signatures),
        "can_withdraw": can_withdraw_for(user, structure),
        "breadcrumbs": crumbs(("Signataires", reverse("charter:signatories")), (structure.name, None)),
    }


def certificate_context(territory: Territory, signature: Signature) -> dict[str, Any]:
    ceremony = signature.ceremony
    return {
        "signature": signature,
        "territory": territory,
        "today": timezone.localdate(),
        "ceremony_day": timezone.localdate(ceremony.start) if ceremony else None,
        "ceremony_url": (
            territory.absolute_url(reverse("events:detail", args=[ceremony.slug])) if ceremony else ""
        ),
    }


# --- signing --------------------------------------------------------------------------------------------


def managed_structures(user: Any, territory: Territory) -> models.QuerySet[Structure]:
    """The territory's structures the person manages (those they may sign for)."""
    return Structure.objects.filter(
        territory=territory, memberships__user=user, memberships__role=Membership.Role.MANAGER
    ).distinct()


def already_signed(version: CharterVersion, structures: models.QuerySet[Structure]) -> set[int]:
    """Ids of `structures` with an active signature of `version`."""
    return set(
        Signature.objects.active()
        .filter(version=version, structure__in=structures)
        .values_list("structure_id", flat=True)
    )


# --- animation ------------------------------------------------------------------------------------------


def is_editable(version: CharterVersion) -> bool:
    return version.status in (VersionStatus.DRAFT, VersionStatus.OPEN)


def version_edit_context(version: CharterVersion) -> dict[str, Any]:
    return {
        "version": version,
        "editable": is_editable(version),
        "transitions": [(s, TRANSITION_LABELS[s]) for s in version.allowed_transitions()],
        "pending_amendments": Amendment.objects.filter(article__version=version).pending().count(),
        "breadcrumbs": crumbs(
            ("Gérer la charte", reverse("charter:manage")), (f"Version {version.number}", None)
        ),
    }


def article_edit_context(article: Article) -> dict[str, Any]:
    version = article.version
    return {
        "article": article,
        "editable": is_editable(version),
        "breadcrumbs": crumbs(
            ("Gérer la charte", reverse("charter:manage")),
            (f"Version {version.number}", reverse("charter:version_edit", args=[version.number])),
            (article.title, None),
        ),
    }


def transition_context(version: CharterVersion, to: str) -> dict[str, Any]:
    """The confirmation page of a move (adopting says how many signatures of the version in force will
    be invited to re-sign)."""
    previous_signatures = 0
    if to == VersionStatus.ADOPTED:
        previous_signatures = (
            Signature.objects.active()
            .filter(version__charter=version.charter, version__status=VersionStatus.ADOPTED)
            .count()
        )
    return {
        "version": version,
        "allowed": to in version.allowed_transitions(),
        "label": TRANSITION_LABELS[to],
        "to": to,
        "previous_signatures": previous_signatures,
        "breadcrumbs": crumbs(
            ("Gérer la charte", reverse("charter:manage")),
            (f"Version {version.number}", reverse("charter:version_edit", args=[version.number])),
            (TRANSITION_LABELS[to], None),
        ),
    }


# --- collective writing ---------------------------------------------------------------------------------


def article_context(version: CharterVersion, article: Article) -> dict[str, Any]:
    return {
        "version": version,
        "article": article,
        "comments": article.comments.select_related("author"),
        "amendments": article.amendments.select_related("author"),
        "is_open": version.status == VersionStatus.OPEN,
        "breadcrumbs": crumbs(
            (f"Version {version.number}", reverse("charter:version", args=[version.number])),
            (article.title, None),
        ),
    }


def amendment_context(user: Any, territory: Territory, amendment: Amendment) -> dict[str, Any]:
    version = amendment.article.version
    segments, added, removed = word_diff(amendment.original_text, amendment.text)
    return {
        "amendment": amendment,
        "version": version,
        "segments": segments,
        "added": added,
        "removed": removed,
        "supports": amendment.supports.count(),
        "supported": amendment.supports.filter(user=user).exists(),
        "can_animate": can_animate(user, territory),
        "is_open": version.status == VersionStatus.OPEN,
        "breadcrumbs": crumbs(
            (f"Version {version.number}", reverse("charter:version", args=[version.number])),
            (
                amendment.article.title,
                reverse("charter:article", args=[version.number, amendment.article_id]),
            ),
            (f"Amendement n° {amendment.pk}", None),
        ),
    }
