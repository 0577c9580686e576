"""The speed-meeting scheduler alone (no database, no Django): CP-SAT against the greedy baseline.

- 100 + 100 participants, 12 rounds, 30 tables, 20 ranked wishes each (10 % arrive late or leave early,
  2 % refusals): time, value, bound and gap per level, identical schedule over three runs;
- 20 + 20 participants, 6 rounds, 8 tables, 6 wishes each: solved to a proven optimum;
- the greedy baseline's values on the same instances.

    .venv/bin/python bench/bench_matchmaking.py [time limit in deterministic seconds, default 10]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from maillage.matchmaking.scheduler import SolverSettings, greedy, solve  # noqa: E402
from maillage.matchmaking.scheduler.generate import random_problem  # noqa: E402

INSTANCES = [
    (
        "100 + 100, 12 tours, 30 tables, 20 vœux",
        {"n_a": 100, "n_b": 100, "rounds": 12, "tables": 30, "wishes": 20},
    ),
    ("20 + 20, 6 tours, 8 tables, 6 vœux", {"n_a": 20, "n_b": 20, "rounds": 6, "tables": 8, "wishes": 6}),
]


def main() -> None:
    limit = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    load = os.getloadavg()[0]
    print(f"load average: {load:.1f} on {os.cpu_count()} cores; time limit {limit} (deterministic)")
    for title, spec in INSTANCES:
        n_a, n_b = spec.pop("n_a"), spec.pop("n_b")
        problem = random_problem(n_a, n_b, seed=1, **spec)
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            schedule = solve(problem, SolverSettings(time_limit=limit))
            runs.append((time.perf_counter() - started, schedule))
        first = runs[0][1]
        identical = all(s.meetings == first.meetings for _, s in runs)
        g_started = time.perf_counter()
        g_schedule, g_values, complete = greedy(problem)
        g_seconds = time.perf_counter() - g_started
        print(f"\n{title}  ({first.method})")
        print(
            "  runs (s): " + ", ".join(f"{seconds:.2f}" for seconds, _ in runs) + f"; identical: {identical}"
        )
        for level in first.levels:
            print(
                f"  {level.name:9} value {level.value:>7}  bound {level.bound:>7}  gap {level.gap:.2%}"
                f"  {'optimal' if level.optimal else 'not proven'}"
            )
        print(f"  wishes met: {first.wishes_met}/{first.wishes_total} ({first.wishes_share:.1%})")
        print(
            f"  greedy ({g_seconds:.2f} s): wishes {g_values[0]}, fairness {g_values[1]}, "
            f"meetings {g_values[2]}; "
            f"wishes met {g_schedule.wishes_met}/{g_schedule.wishes_total}"
            + ("" if complete else " (must-meet pairs missing)")
        )


if __name__ == "__main__":
    main()
