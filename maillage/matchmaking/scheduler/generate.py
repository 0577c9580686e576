"""Reproducible random instances for the bench and the tests."""

from __future__ import annotations

import random

from .problem import Person, Problem


def random_problem(
    n_a: int,
    n_b: int,
    *,
    rounds: int,
    tables: int,
    wishes: int,
    seed: int = 1,
    late_share: float = 0.1,
    refusal_share: float = 0.02,
) -> Problem:
    """Two sides, ``wishes`` ranked wishes each toward the other side (popular people drawn more often),
    a share of people arriving late or leaving early, a few refusals."""
    rng = random.Random(seed)
    people: list[Person] = []
    for side, count, offset in (("a", n_a, 0), ("b", n_b, 10_000)):
        for i in range(count):
            attended = set(range(rounds))
            if rng.random() < late_share and rounds > 2:
                cut = rng.randrange(1, rounds // 2 + 1)
                attended = set(range(cut, rounds)) if rng.random() < 0.5 else set(range(rounds - cut))
            people.append(
                Person(
                    key=offset + i + 1, label=f"{side.upper()}{i + 1}", side=side, rounds=frozenset(attended)
                )
            )
    by_side = {side: [p.key for p in people if p.side == side] for side in ("a", "b")}
    weights = {key: 1.0 / (1 + (i % 17)) for side in by_side.values() for i, key in enumerate(side)}
    ranked: dict[int, list[int]] = {}
    refusals: set[tuple[int, int]] = set()
    for person in people:
        others = by_side["b" if person.side == "a" else "a"]
        chosen: list[int] = []
        pool = list(others)
        while pool and len(chosen) < min(wishes, len(others)):
            pick = rng.choices(pool, weights=[weights[k] for k in pool])[0]
            chosen.append(pick)
            pool.remove(pick)
        ranked[person.key] = chosen
        for other in others:
            if other not in chosen and rng.random() < refusal_share:
                refusals.add((person.key, other))
    return Problem(people=people, rounds=rounds, tables=tables, wishes=ranked, refusals=refusals)
