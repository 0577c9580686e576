"""« Vis ma vie »: one-to-one reciprocal pairs between the two sides, with the same CP-SAT plumbing.

Each pair needs two distinct dates both volunteers can do: on the first one the side-« a » volunteer hosts
the other, on the second one the side-« b » volunteer hosts back. Lexicographic objective: wish worth
(rank-weighted, mutual worth more), then the number of pairs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .cpsat import SolverSettings, solve_levels
from .problem import MUTUAL_FACTOR, Level, ScheduleConflict


@dataclass(frozen=True)
class Volunteer:
    key: int
    label: str
    side: str  # "a" or "b"
    dates: frozenset[dt.date]


@dataclass(frozen=True)
class Couple:
    a: int  # side « a », hosts first
    b: int
    first: dt.date  # b spends the day at a's
    second: dt.date  # a spends the day at b's


@dataclass
class Pairing:
    couples: list[Couple]
    levels: list[Level]
    unpaired: list[int] = field(default_factory=list)


def pair_volunteers(
    volunteers: list[Volunteer],
    wishes: dict[int, list[int]],
    refusals: set[tuple[int, int]] | None = None,
    settings: SolverSettings | None = None,
) -> Pairing:
    settings = settings or SolverSettings(time_limit=5.0)
    refusals = refusals or set()
    errors = [f"{v.label} n'a indiqué aucune date." for v in volunteers if not v.dates]
    if errors:
        raise ScheduleConflict(errors)
    side_a = sorted((v for v in volunteers if v.side == "a"), key=lambda v: v.key)
    side_b = sorted((v for v in volunteers if v.side == "b"), key=lambda v: v.key)
    if not side_a or not side_b:
        raise ScheduleConflict(["Il faut des volontaires des deux côtés pour former des binômes."])
    max_rank = max((len(r) for r in wishes.values()), default=0)
    weight = {
        (who, whom): max_rank + 1 - rank
        for who, ranked in wishes.items()
        for rank, whom in enumerate(ranked, 1)
    }
    model = cp_model.CpModel()
    m: dict[tuple[int, int], cp_model.IntVar] = {}
    dates: dict[tuple[int, int], list[dt.date]] = {}
    values: dict[tuple[int, int], int] = {}
    for a in side_a:
        for b in side_b:
            common = sorted(a.dates & b.dates)
            if len(common) < 2 or (a.key, b.key) in refusals or (b.key, a.key) in refusals:
                continue
            key = (a.key, b.key)
            m[key] = model.NewBoolVar("")
            dates[key] = common[:2]
            value = weight.get((a.key, b.key), 0) + weight.get((b.key, a.key), 0)
            if (a.key, b.key) in weight and (b.key, a.key) in weight:
                value *= MUTUAL_FACTOR
            values[key] = value
    for v in side_a + side_b:
        mine = [var for key, var in m.items() if v.key in key]
        if len(mine) > 1:
            model.AddAtMostOne(mine)
    if not m:
        raise ScheduleConflict(["Aucun binôme possible : aucune paire n'a deux dates communes."])
    keys = sorted(m)
    _solver, levels, solution = solve_levels(
        model,
        [
            ("wishes", cp_model.LinearExpr.WeightedSum([m[k] for k in keys], [values[k] for k in keys]), 0.7),
            ("pairs", cp_model.LinearExpr.Sum([m[k] for k in keys]), 0.3),
        ],
        settings,
        [m[k] for k in keys],
    )
    couples = [
        Couple(a=k[0], b=k[1], first=dates[k][0], second=dates[k][1])
        for i, k in enumerate(keys)
        if solution[i]
    ]
    paired = {c.a for c in couples} | {c.b for c in couples}
    return Pairing(
        couples=couples, levels=levels, unpaired=[v.key for v in volunteers if v.key not in paired]
    )
