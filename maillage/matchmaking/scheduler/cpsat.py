"""Shared CP-SAT plumbing: deterministic parameters and sequential lexicographic solving.

Determinism: one worker, a fixed seed, and a *deterministic* time limit (``max_deterministic_time``, counted
in the solver's own work units, not on the wall clock), so the same input gives the same schedule on any
machine load. A wall-clock limit ten times larger stays as a safety net only; it never binds in practice.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from .problem import Level


@dataclass(frozen=True)
class SolverSettings:
    time_limit: float = 10.0  # budget in deterministic seconds, shared between the levels
    seed: int = 0
    workers: int = 1


def parameters(settings: SolverSettings, share: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = settings.workers
    params.random_seed = settings.seed
    params.max_deterministic_time = max(0.05, settings.time_limit * share)
    params.max_time_in_seconds = max(5.0, settings.time_limit * share * 10)
    params.cp_model_probing_level = 0  # probing costs much wall time here and buys little on these models
    params.symmetry_level = 0
    params.log_search_progress = bool(__import__("os").environ.get("CPSAT_LOG"))
    return solver


def solve_levels(
    model: cp_model.CpModel,
    levels: list[tuple[str, cp_model.LinearExpr, float]],
    settings: SolverSettings,
    variables: list[cp_model.IntVar],
) -> tuple[cp_model.CpSolver, list[Level], dict[int, int]]:
    """Maximise each (name, expression, share of the budget) in turn, fixing each reached value before the
    next one (``== value`` when proven optimal, ``>= value`` otherwise). Returns the last solver, the level
    reports and the values of ``variables`` (by index) in the final solution."""
    reports: list[Level] = []
    full: list[int] = []  # every variable's value in the last solution, to hint the next level
    solution: dict[int, int] = {}
    solver = None
    for name, expression, share in levels:
        model.Maximize(expression)
        if full:
            model.ClearHints()
            for index, value in enumerate(full):
                model.Proto().solution_hint.vars.append(index)
                model.Proto().solution_hint.values.append(value)
        solver = parameters(settings, share)
        status = solver.Solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise RuntimeError(f"CP-SAT: {solver.StatusName(status)} at level {name}")
        value = round(solver.ObjectiveValue())
        bound = round(solver.BestObjectiveBound())
        optimal = status == cp_model.OPTIMAL
        reports.append(Level(name=name, value=value, bound=max(bound, value), optimal=optimal))
        full = list(solver.ResponseProto().solution)
        solution = {index: solver.Value(var) for index, var in enumerate(variables)}
        if optimal:
            model.Add(expression == value)
        else:
            model.Add(expression >= value)
    assert solver is not None
    return solver, reports, solution
