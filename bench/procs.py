"""Processes seen through Linux's /proc: a gunicorn arbiter's workers (to kill one, or read their CPU time).

Used by bench/bench_awards.py, bench/load/run.py and tests/faults/test_registration_burst.py.
"""

from __future__ import annotations

import os
from pathlib import Path


def _stat_fields(pid: int | str) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (which may hold spaces); None if it is gone."""
    try:
        data = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return data[data.rindex(")") + 2 :].split()


def children_of(parent: int) -> list[int]:
    """The pids whose parent is `parent` (for a gunicorn arbiter: its workers)."""
    pids = []
    for entry in Path("/proc").glob("[0-9]*"):
        fields = _stat_fields(entry.name)
        if fields is not None and int(fields[1]) == parent:
            pids.append(int(entry.name))
    return pids


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far (the ones that are gone count for nothing)."""
    ticks = 0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields is not None:
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")
