"""The data the scheduler reads and writes: plain dataclasses, no Django.

A *person* is one participant of a speed-meeting (a structure + a person). Rounds are numbered from 0 and
tables from 0 here; pages show them from 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# A wish of rank k (1 = most wanted) among at most K ranked wishes is worth K + 1 - k; a pair wished by both
# sides is worth twice the sum of both weights.
MUTUAL_FACTOR = 2


@dataclass(frozen=True)
class Person:
    key: int
    label: str
    side: str  # "a", "b", or "" for a one-sided (open) meeting where anybody may meet anybody
    rounds: frozenset[int]  # rounds this person attends


@dataclass(frozen=True)
class Pin:
    """A meeting the organiser fixed by hand: this pair, this round, and optionally this table."""

    a: int
    b: int
    round: int
    table: int | None = None


@dataclass
class Problem:
    people: list[Person]
    rounds: int
    tables: int
    wishes: dict[int, list[int]] = field(default_factory=dict)  # key -> ranked keys, first = most wanted
    refusals: set[tuple[int, int]] = field(default_factory=set)  # (who refuses, whom)
    must_meet: list[tuple[int, int]] = field(default_factory=list)
    pins: list[Pin] = field(default_factory=list)


@dataclass(frozen=True)
class Meeting:
    a: int
    b: int
    round: int
    table: int


@dataclass(frozen=True)
class Level:
    """One stage of the lexicographic objective: what was reached, the proven bound and the gap."""

    name: str
    value: int
    bound: int
    optimal: bool

    @property
    def gap(self) -> float:
        """Relative gap (bound - value) / bound, 0.0 when proven optimal or when the bound is 0."""
        if self.bound <= 0:
            return 0.0
        return max(0.0, (self.bound - self.value) / self.bound)


@dataclass
class Schedule:
    meetings: list[Meeting]
    levels: list[Level]
    wishes_total: int
    wishes_met: int
    per_person: dict[int, tuple[int, int]]  # key -> (wishes met, wishes made)
    meetings_per_person: dict[int, int]
    ignored_wishes: list[tuple[int, int]] = field(default_factory=list)  # wishes for someone not taking part
    seconds: float = 0.0
    method: str = "cp-sat"

    @property
    def wishes_share(self) -> float:
        return self.wishes_met / self.wishes_total if self.wishes_total else 0.0

    def level(self, name: str) -> Level:
        return next(level for level in self.levels if level.name == name)


class ScheduleConflict(Exception):
    """The input cannot be scheduled; ``messages`` say in French what conflicts."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


def pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)
