"""k-anonymity of the territory's view, also under combined filters: a property test over random
populations, checked by a brute-force reader who subtracts any two published groups."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.assessment.aggregates import FAMILIES, SIZE_CLASSES, breakdowns, build_groups
from maillage.assessment.disclosure import Breakdown, K, breaches, publishable

FAMILY_KEYS = sorted(FAMILIES)
SIZE_KEYS = list(SIZE_CLASSES)

populations = st.lists(
    st.tuples(st.sampled_from(FAMILY_KEYS[:4]), st.sampled_from(SIZE_KEYS)), min_size=0, max_size=70
)


def _rows(population):
    return [(i, family, size) for i, (family, size) in enumerate(population)]


def attacker_finds(groups, published):
    """Everything a reader learns by subtracting one published group from another that contains it, or
    the published cells of a breakdown from their published parent: the sets of fewer than K structures
    singled out (empty when the release is safe). Written independently of `disclosure.breaches`."""
    leaks = []
    shown = [groups[key] for key in published]
    for a, b in itertools.permutations(shown, 2):
        if b <= a and 0 < len(a - b) < K:
            leaks.append(a - b)
    for breakdown in breakdowns():
        if breakdown.parent in published:
            rest = set(groups[breakdown.parent])
            for cell in breakdown.cells:
                if cell in published:
                    rest -= groups[cell]
            if 0 < len(rest) < K:
                leaks.append(frozenset(rest))
    leaks += [groups[key] for key in published if len(groups[key]) < K]
    return leaks


@settings(max_examples=200, deadline=None)
@given(populations)
def test_no_subtraction_of_published_groups_singles_out_fewer_than_k(population):
    groups = build_groups(_rows(population))
    published = publishable(groups, breakdowns())
    assert attacker_finds(groups, published) == []
    assert breaches(groups, published, breakdowns()) == []
    # The territory as a whole is never the one suppressed: it is published from K structures on.
    assert (("", "") in published) == (len(population) >= K)


def test_the_classic_attack_is_blocked():
    # 7 associations: 5 without employees, 2 with 10 or more. Publishing « associations » (7) and
    # « associations without employees » (5) would show the 2 large ones by subtraction.
    rows = [(i, "association", "sans") for i in range(5)] + [
        (5, "association", "grande"),
        (6, "association", "grande"),
    ]
    rows += [(10 + i, "cooperative", "sans") for i in range(6)]
    groups = build_groups(rows)
    published = publishable(groups, breakdowns())
    assert ("association", "") in published
    assert ("association", "sans") not in published
    assert ("association", "grande") not in published
    assert attacker_finds(groups, published) == []


def test_a_large_balanced_population_is_published_in_full():
    rows = [
        (n, family, size)
        for n, (family, size) in enumerate(
            (f, s) for f in FAMILY_KEYS[:3] for s in SIZE_KEYS for _ in range(6)
        )
    ]
    groups = build_groups(rows)
    published = publishable(groups, breakdowns())
    non_empty = {key for key, members in groups.items() if members}
    assert published == non_empty


@pytest.mark.parametrize("count", [0, 1, 4])
def test_fewer_than_k_structures_publish_nothing(count):
    groups = build_groups([(i, "association", "sans") for i in range(count)])
    assert publishable(groups, breakdowns()) == set()


def test_the_remainder_of_a_breakdown_is_never_small():
    groups = {
        "all": frozenset(range(12)),
        "a": frozenset(range(6)),
        "b": frozenset(range(6, 11)),
        "c": frozenset({11}),
    }
    published = publishable(groups, [Breakdown("all", ("a", "b", "c"))])
    # « all » minus « a » minus « b » would show « c »: one of a, b goes.
    assert "all" in published and len(published & {"a", "b"}) == 1
