"""Pure scheduling for speed-meetings and « vis ma vie » (OR-Tools CP-SAT): no Django here."""

from .checks import prepare
from .cpsat import SolverSettings
from .greedy import greedy
from .pairing import Pairing, Volunteer, pair_volunteers
from .problem import Level, Meeting, Person, Pin, Problem, Schedule, ScheduleConflict
from .solve import evaluate, solve

__all__ = [
    "Level",
    "Meeting",
    "Pairing",
    "Person",
    "Pin",
    "Problem",
    "Schedule",
    "ScheduleConflict",
    "SolverSettings",
    "Volunteer",
    "evaluate",
    "greedy",
    "pair_volunteers",
    "prepare",
    "solve",
]
