"""The territory's view of a campaign: medians per theme for the whole territory, each ESS family, each
size class and each family within a size class — only for the groups `disclosure.publishable()` lets
through (at least 5 structures, and no subtraction of two published groups isolating fewer than 5).

Only closed campaigns are published. `release(campaign)` computes the whole consistent release at once;
the territory page, a structure's comparison with its family and the registry's metrics all read from it.
Group keys are pairs (family, size class) — frozen on each sheet when it was submitted —, "" meaning
« all »: ("", "") is the territory, ("association", "") the associations, ("", "petite") the structures
of 1 to 9 employees, ("association", "petite") both.
"""

from __future__ import annotations

import statistics
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import cast

from django.core.cache import cache

from maillage.actors.models import Structure
from maillage.assessment.disclosure import Breakdown, K, publishable
from maillage.assessment.models import AnswerSheet, Campaign

SIZE_CLASSES: dict[str, str] = {
    "sans": "Sans salarié",
    "petite": "1 à 9 salariés",
    "grande": "10 salariés et plus",
}
FAMILIES: dict[str, str] = {value: str(label) for value, label in Structure.Family.choices}

SUPPRESSED = (
    "Non publié : moins de 5 structures dans ce groupe, ou un groupe voisin publié permettrait de "
    "retrouver les réponses de moins de 5 structures par soustraction."
)


def size_class(band: str) -> str:
    if band in ("", "NN", "00"):
        return "sans"
    if band in ("01", "02", "03"):
        return "petite"
    return "grande"


def group_label(key: tuple[str, str]) -> str:
    family, size = key
    if not family and not size:
        return "Tout le territoire"
    parts = []
    if family:
        name = FAMILIES.get(family, family)
        parts.append(name[:1].upper() + name[1:])
    if size:
        parts.append(SIZE_CLASSES.get(size, size).lower() if family else SIZE_CLASSES.get(size, size))
    return ", ".join(parts)


@dataclass
class GroupResult:
    key: tuple[str, str]
    label: str
    count: int
    published: bool
    medians: dict[str, float] = field(default_factory=dict)
    overall: float | None = None


@dataclass
class Release:
    campaign_id: int
    groups: dict[tuple[str, str], GroupResult]
    k: int = K

    def get(self, key: tuple[str, str]) -> GroupResult | None:
        return self.groups.get(key)

    def published(self, key: tuple[str, str]) -> GroupResult | None:
        group = self.groups.get(key)
        return group if group is not None and group.published else None


def _breakdowns(families: list[str], sizes: list[str]) -> list[Breakdown]:
    found = [
        Breakdown(("", ""), tuple((f, "") for f in families)),
        Breakdown(("", ""), tuple(("", s) for s in sizes)),
    ]
    found += [Breakdown((f, ""), tuple((f, s) for s in sizes)) for f in families]
    found += [Breakdown(("", s), tuple((f, s) for f in families)) for s in sizes]
    return found


def build_groups(rows: Iterable[tuple[int, str, str]]) -> dict[tuple[str, str], frozenset[int]]:
    """Every group of the lattice (territory, families, size classes, family × size) from
    (structure id, family, size class) rows, empty groups included."""
    families = sorted(FAMILIES)
    members: dict[tuple[str, str], set[int]] = {("", ""): set()}
    for f in families:
        members[(f, "")] = set()
        for s in SIZE_CLASSES:
            members[(f, s)] = set()
    for s in SIZE_CLASSES:
        members[("", s)] = set()
    for structure_id, family, size in rows:
        for key in (("", ""), (family, ""), ("", size), (family, size)):
            members.setdefault(key, set()).add(structure_id)
    return {key: frozenset(ids) for key, ids in members.items()}


def breakdowns() -> list[Breakdown]:
    return _breakdowns(sorted(FAMILIES), list(SIZE_CLASSES))


def compute_release(campaign: Campaign) -> Release:
    rows = list(
        AnswerSheet.objects.filter(campaign=campaign, status="submitted").values_list(
            "structure_id", "family", "size_class", "scores", "overall"
        )
    )
    by_structure = {row[0]: (row[3] or {}, row[4]) for row in rows}
    frozen = build_groups((row[0], row[1], row[2]) for row in rows)
    shown = publishable(cast("Mapping[Hashable, frozenset[int]]", frozen), breakdowns())
    groups: dict[tuple[str, str], GroupResult] = {}
    for key, ids in frozen.items():
        result = GroupResult(key=key, label=group_label(key), count=len(ids), published=key in shown)
        if result.published:
            themes = {t for i in ids for t in by_structure[i][0]}
            for theme in sorted(themes):
                values = [by_structure[i][0][theme] for i in ids if theme in by_structure[i][0]]
                if len(values) >= K:
                    result.medians[theme] = round(statistics.median(values), 1)
            overalls: list[float] = [o for i in ids if (o := by_structure[i][1]) is not None]
            result.overall = round(statistics.median(overalls), 1) if len(overalls) >= K else None
        groups[key] = result
    return Release(campaign_id=campaign.pk, groups=groups)


def release(campaign: Campaign) -> Release | None:
    """The release of a closed campaign (None while it is open: publishing as sheets arrive would let
    two successive releases single out the structure that submitted in between). Kept in the shared
    cache; reopening the campaign changes its `updated_at`, hence the key."""
    if campaign.status != "closed":
        return None
    key = f"assessment:release:{campaign.pk}:{campaign.updated_at.timestamp()}"
    found = cache.get(key)
    if found is None:
        found = compute_release(campaign)
        cache.set(key, found, 3600)
    return found
