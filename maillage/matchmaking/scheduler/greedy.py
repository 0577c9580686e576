"""The greedy baseline, the way small open schedulers fill slots: pins, then must-meet pairs, then pairs by
decreasing wish worth, then any allowed pair, each at the earliest round where both are free and a table is
left. It is shown beside the optimiser's result; it proves nothing and may even miss a must-meet pair."""

from __future__ import annotations

import time
from collections import defaultdict

from .checks import prepare
from .problem import Level, Problem, Schedule, pair
from .solve import build_schedule, evaluate


def greedy(problem: Problem) -> tuple[Schedule, tuple[int, int, int], bool]:
    """Returns the schedule, its (wishes, fairness, meetings) values and whether every must-meet pair fit."""
    started = time.perf_counter()
    prep = prepare(problem)
    busy: set[tuple[int, int]] = set()  # (person, round)
    used: dict[int, int] = defaultdict(int)
    placed: set[tuple[int, int]] = set()
    chosen: list[tuple[tuple[int, int], int]] = []

    def place(key: tuple[int, int], rounds: list[int]) -> bool:
        if key in placed:
            return True
        for r in rounds:
            if (key[0], r) in busy or (key[1], r) in busy or used[r] >= problem.tables:
                continue
            busy.add((key[0], r))
            busy.add((key[1], r))
            used[r] += 1
            placed.add(key)
            chosen.append((key, r))
            return True
        return False

    for pin in problem.pins:
        place(pair(pin.a, pin.b), [pin.round])
    complete = all(place(key, prep.candidates[key]) for key in sorted(prep.must))
    for key in sorted(prep.values, key=lambda k: (-prep.values[k], k)):
        place(key, prep.candidates[key])
    for key in sorted(prep.candidates):
        place(key, prep.candidates[key])
    schedule = build_schedule(problem, prep, chosen)
    values = evaluate(problem, prep, chosen)
    schedule.levels = [
        Level(name=name, value=value, bound=value, optimal=False)
        for name, value in zip(("wishes", "fairness", "meetings"), values, strict=True)
    ]
    schedule.method = "glouton"
    schedule.seconds = time.perf_counter() - started
    return schedule, values, complete
