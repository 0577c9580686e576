"""Which aggregates of the territory may be published: k-anonymity that holds under combined filters.

The territory's view breaks a campaign's submitted sheets down by ESS family and by size class, and by
both at once. Each group (a family, a size class, a family within a size class, the whole territory) is a
set of structures. Publishing a group's count and medians is safe when nobody can single out a structure:

1. every published group has at least K structures;
2. no subtraction of two published groups reveals fewer than K structures: if a published group B lies
   inside a published group A, A minus B holds none or at least K structures (otherwise « all the
   associations » minus « the associations with 10 employees or more » would show the 1 to 4 small ones);
3. within a published group, the part that its published sub-groups of one breakdown leave over holds none
   or at least K structures (the family cells of a size class, the size cells of a family, the families
   or the size classes of the whole territory): otherwise the sum of the published cells, subtracted from
   the published whole, shows the suppressed ones.

`publishable()` starts from every group of at least K structures and suppresses, one at a time, the
smallest group caught in a breach, until no rule is broken. The whole release is computed at once for a
campaign, so every page, filter and metric reads from the same consistent set of published groups: a
visitor who combines filters never gets a group that the rules above left out.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

K = 5

GroupKey = Hashable


@dataclass(frozen=True)
class Breakdown:
    """A published parent group and the disjoint sub-groups that partition it."""

    parent: GroupKey
    cells: tuple[GroupKey, ...]


def breaches(
    groups: Mapping[GroupKey, frozenset[int]],
    published: Iterable[GroupKey],
    breakdowns: Sequence[Breakdown],
    k: int = K,
) -> list[tuple[str, tuple[GroupKey, ...]]]:
    """Every broken rule among the published groups: (rule, the groups involved)."""
    shown = list(published)
    found: list[tuple[str, tuple[GroupKey, ...]]] = []
    for key in shown:
        if len(groups[key]) < k:
            found.append(("size", (key,)))
    for a in shown:
        for b in shown:
            if a == b:
                continue
            inner, outer = groups[b], groups[a]
            if inner < outer and len(outer - inner) < k:
                found.append(("difference", (a, b)))
    shown_set = set(shown)
    for breakdown in breakdowns:
        if breakdown.parent not in shown_set:
            continue
        cells = [c for c in breakdown.cells if c in shown_set]
        covered: frozenset[int] = frozenset().union(*(groups[c] for c in cells)) if cells else frozenset()
        rest = groups[breakdown.parent] - covered
        if 0 < len(rest) < k:
            found.append(("remainder", (breakdown.parent, *cells)))
    return found


def publishable(
    groups: Mapping[GroupKey, frozenset[int]], breakdowns: Sequence[Breakdown], k: int = K
) -> set[GroupKey]:
    """The groups that may be published together (rules 1–3 of the module's docstring)."""
    published = {key for key, members in groups.items() if len(members) >= k}
    while True:
        found = breaches(groups, published, breakdowns, k)
        if not found:
            return published
        rule, involved = found[0]
        if rule == "size":
            published.discard(involved[0])
        elif rule == "difference":
            published.discard(involved[1])  # the inner group: the larger one stays
        else:
            cells = list(involved[1:])
            if cells:
                published.discard(min(cells, key=lambda c: (len(groups[c]), str(c))))
            else:  # pragma: no cover - a remainder with no published cell is the parent itself
                published.discard(involved[0])
