"""The speed-meeting scheduler (OR-Tools CP-SAT).

Variables: x[pair, round] = 1 when the pair meets at that round, for every allowed pair (cross-side, refused
by nobody) and every round both attend. Tables are interchangeable, so the model only bounds the meetings
of a round by the number of tables; table numbers are given afterwards (pinned tables first).

Hard constraints: nobody in two places (one meeting per person per round), no pair twice, tables not
exceeded, availabilities (no variable outside a common round) and refusals (no variable for a refused pair),
must-meet pairs placed, pins placed.

Lexicographic objective, three sequential solves, each fixing the previous level:
1. ``wishes``: sum of the met pairs' wish worth (rank-weighted, mutual pairs worth more);
2. ``fairness``: the minimum number of meetings per person, each person counted up to what they can reach
   (their rounds and allowed partners);
3. ``meetings``: the number of meetings, i.e. free seats filled with allowed pairs.
"""

from __future__ import annotations

import time
from collections import defaultdict

from ortools.sat.python import cp_model

from .checks import Prepared, prepare
from .cpsat import SolverSettings, parameters, solve_levels
from .problem import Meeting, Problem, Schedule, ScheduleConflict, pair
from .recolour import assign_by_recolouring


def _check_forced(problem: Problem, prep: Prepared, settings: SolverSettings) -> None:
    """Must-meet pairs and pins alone, with one assumption literal each: if they cannot hold together,
    name a small set of them that conflicts."""
    if not prep.must and not problem.pins:
        return
    model = cp_model.CpModel()
    x: dict[tuple[tuple[int, int], int], cp_model.IntVar] = {}
    forced = sorted(prep.must | {pair(pin.a, pin.b) for pin in problem.pins})
    for key in forced:
        for r in prep.candidates.get(key, []):
            x[(key, r)] = model.NewBoolVar("")
    _structure(model, x, problem.tables)
    literals: dict[int, str] = {}
    assumed: list[cp_model.IntVar] = []
    people = prep.people
    for key in sorted(prep.must):
        lit = model.NewBoolVar("")
        model.Add(cp_model.LinearExpr.Sum([x[(key, r)] for r in prep.candidates[key]]) == 1).OnlyEnforceIf(
            lit
        )
        assumed.append(lit)
        literals[lit.Index()] = f"la rencontre imposée {people[key[0]].label} – {people[key[1]].label}"
    for pin in problem.pins:
        key = pair(pin.a, pin.b)
        lit = model.NewBoolVar("")
        model.Add(x[(key, pin.round)] == 1).OnlyEnforceIf(lit)
        assumed.append(lit)
        literals[lit.Index()] = (
            f"l'épinglage de {people[pin.a].label} – {people[pin.b].label} au tour {pin.round + 1}"
        )
    model.AddAssumptions(assumed)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = settings.seed
    solver.parameters.max_deterministic_time = max(1.0, settings.time_limit)
    status = solver.Solve(model)
    if status == cp_model.INFEASIBLE:
        core = sorted(literals[i] for i in solver.SufficientAssumptionsForInfeasibility())
        raise ScheduleConflict(
            [
                "Les rencontres imposées et épinglées ne tiennent pas ensemble "
                "dans les tours et les tables : " + " ; ".join(core) + "."
            ]
        )


def _structure(model: cp_model.CpModel, x: dict, tables: int) -> None:
    by_person_round: dict[tuple[int, int], list] = defaultdict(list)
    by_round: dict[int, list] = defaultdict(list)
    by_pair: dict[tuple[int, int], list] = defaultdict(list)
    for (key, r), var in x.items():
        by_person_round[(key[0], r)].append(var)
        by_person_round[(key[1], r)].append(var)
        by_round[r].append(var)
        by_pair[key].append(var)
    for group in by_person_round.values():
        if len(group) > 1:
            model.AddAtMostOne(group)
    for group in by_pair.values():
        if len(group) > 1:
            model.AddAtMostOne(group)
    for group in by_round.values():
        if len(group) > tables:
            model.Add(cp_model.LinearExpr.Sum(group) <= tables)


def solve(problem: Problem, settings: SolverSettings | None = None) -> Schedule:
    """Build the optimal schedule, or raise ScheduleConflict with French messages naming the conflict.

    First the three levels are optimised on the *aggregated* model (which pairs meet, not when), a
    relaxation of the full model: each person meets at most as many people as rounds they attend, at most
    tables × rounds meetings, and the same counts for every set of rounds some pairs are confined to
    (late arrivals, early departures). Then the chosen pairs are given rounds (a small CP-SAT satisfaction
    model). When that succeeds, the relaxation's optimum is reached, so it is optimal for the full model and
    its bounds hold. Otherwise the full model (pairs × rounds) is solved, hinted with the aggregated result.
    """
    settings = settings or SolverSettings()
    started = time.perf_counter()
    prep = prepare(problem)
    _check_forced(problem, prep, settings)
    try:
        levels, pairs = _aggregated(problem, prep, settings)
        chosen = _assign_rounds(problem, prep, pairs, settings)
        method = "cp-sat (agrégé puis tours)"
        if chosen is None:
            levels, chosen = _full(problem, prep, settings)
            method = "cp-sat (modèle complet)"
    except RuntimeError as error:
        raise ScheduleConflict(
            ["Le calcul n'a trouvé aucun planning dans le temps imparti : augmentez la durée de calcul."]
        ) from error
    schedule = build_schedule(problem, prep, chosen)
    schedule.levels = levels
    schedule.method = method
    schedule.seconds = time.perf_counter() - started
    return schedule


def _caps(problem: Problem, prep: Prepared) -> dict[int, int]:
    reach: dict[int, set[int]] = defaultdict(set)
    for a, b in prep.candidates:
        reach[a].add(b)
        reach[b].add(a)
    return {
        key: min(len([r for r in person.rounds if 0 <= r < problem.rounds]), len(reach[key]))
        for key, person in prep.people.items()
    }


def _objectives(model: cp_model.CpModel, problem: Problem, prep: Prepared, pair_vars: dict) -> list:
    """The three lexicographic levels over ``pair_vars`` (pair -> list of literals, one per round or one)."""
    person_vars: dict[int, list] = defaultdict(list)
    for (a, b), literals in pair_vars.items():
        person_vars[a].extend(literals)
        person_vars[b].extend(literals)
    caps = _caps(problem, prep)
    # fairness m = sum of ladder literals step[k] = [m >= k]; each person meets at least min(m, cap)
    steps = [model.NewBoolVar(f"m>={k}") for k in range(1, max(caps.values(), default=0) + 1)]
    for higher, lower in zip(steps[1:], steps, strict=False):
        model.AddImplication(higher, lower)
    for key, cap in caps.items():
        if cap > 0:
            model.Add(cp_model.LinearExpr.Sum(person_vars[key]) >= cp_model.LinearExpr.Sum(steps[:cap]))
    terms = [(var, prep.values[key]) for key in sorted(prep.values) for var in pair_vars.get(key, [])]
    every = [var for key in sorted(pair_vars) for var in pair_vars[key]]
    return [
        ("wishes", cp_model.LinearExpr.WeightedSum([v for v, _ in terms], [w for _, w in terms]), 0.6),
        ("fairness", cp_model.LinearExpr.Sum(steps), 0.2),
        ("meetings", cp_model.LinearExpr.Sum(every), 0.2),
    ]


def _aggregated(problem: Problem, prep: Prepared, settings: SolverSettings):
    model = cp_model.CpModel()
    keys = sorted(prep.candidates)
    y = {key: model.NewBoolVar(f"y{key[0]}_{key[1]}") for key in keys}
    windows: dict[frozenset[int], list] = defaultdict(list)
    for key in keys:
        windows[frozenset(prep.candidates[key])].append(key)
    sets = sorted(windows, key=lambda w: (len(w), sorted(w)))
    for window in sets:  # Hall-type counts for every set of rounds some pairs are confined to
        inside = [y[k] for w in sets if w <= window for k in windows[w]]
        if len(inside) > problem.tables * len(window):
            model.Add(cp_model.LinearExpr.Sum(inside) <= problem.tables * len(window))
        per_person: dict[int, list] = defaultdict(list)
        for w in sets:
            if w <= window:
                for a, b in windows[w]:
                    per_person[a].append(y[(a, b)])
                    per_person[b].append(y[(a, b)])
        for literals in per_person.values():
            if len(literals) > len(window):
                model.Add(cp_model.LinearExpr.Sum(literals) <= len(window))
    for key in prep.must | {pair(p.a, p.b) for p in problem.pins}:
        model.Add(y[key] == 1)
    levels = _objectives(model, problem, prep, {key: [y[key]] for key in keys})
    _solver, reports, solution = solve_levels(model, levels, settings, [y[k] for k in keys])
    return reports, [k for i, k in enumerate(keys) if solution[i]]


def _assign_rounds(problem: Problem, prep: Prepared, pairs: list, settings: SolverSettings):
    """Rounds for exactly these pairs, or None when they cannot all be placed: alternating-path
    recolouring first (milliseconds), CP-SAT when it finds no valid flip."""
    pinned_rounds = {pair(p.a, p.b): p.round for p in problem.pins}
    coloured = assign_by_recolouring(pairs, prep.candidates, pinned_rounds, problem.tables)
    if coloured is not None:
        return sorted(coloured.items(), key=lambda item: (item[1], item[0]))
    model = cp_model.CpModel()
    x = {(key, r): model.NewBoolVar("") for key in pairs for r in prep.candidates[key]}
    _structure(model, x, problem.tables)
    for key in pairs:
        model.AddExactlyOne([x[(key, r)] for r in prep.candidates[key]])
    for pin in problem.pins:
        model.Add(x[(pair(pin.a, pin.b), pin.round)] == 1)
    busy: set[tuple[int, int]] = set()  # hint: pairs with the fewest rounds first, earliest free round
    used: dict[int, int] = defaultdict(int)
    pinned = {pair(p.a, p.b): p.round for p in problem.pins}
    for key in sorted(pairs, key=lambda k: (k not in pinned, len(prep.candidates[k]), k)):
        for r in [pinned[key]] if key in pinned else prep.candidates[key]:
            if (key[0], r) not in busy and (key[1], r) not in busy and used[r] < problem.tables:
                busy.update({(key[0], r), (key[1], r)})
                used[r] += 1
                model.AddHint(x[(key, r)], 1)
                break
    solver = parameters(settings, 0.3)
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [k for k, var in x.items() if solver.Value(var)]


def _full(problem: Problem, prep: Prepared, settings: SolverSettings):
    model = cp_model.CpModel()
    x: dict[tuple[tuple[int, int], int], cp_model.IntVar] = {}
    for key, rounds in prep.candidates.items():
        for r in rounds:
            x[(key, r)] = model.NewBoolVar(f"x{key[0]}_{key[1]}_{r}")
    _structure(model, x, problem.tables)
    pair_vars: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for (key, _r), var in x.items():
        pair_vars[key].append(var)
    for key in prep.must:
        model.Add(cp_model.LinearExpr.Sum(pair_vars[key]) == 1)
    for pin in problem.pins:
        model.Add(x[(pair(pin.a, pin.b), pin.round)] == 1)
    levels = _objectives(model, problem, prep, pair_vars)
    keys = sorted(x)
    _solver, reports, solution = solve_levels(model, levels, settings, [x[k] for k in keys])
    return reports, [k for i, k in enumerate(keys) if solution[i]]


def assign_tables(problem: Problem, chosen: list[tuple[tuple[int, int], int]]) -> list[Meeting]:
    """Give each meeting a table: pinned tables first, then the lowest free table, in pair order."""
    pinned = {(pair(p.a, p.b), p.round): p.table for p in problem.pins if p.table is not None}
    taken: dict[int, set[int]] = defaultdict(set)
    meetings: list[Meeting] = []
    rest: list[tuple[tuple[int, int], int]] = []
    for key, r in sorted(chosen, key=lambda item: (item[1], item[0])):
        if (key, r) in pinned:
            table = pinned[(key, r)]
            taken[r].add(table)
            meetings.append(Meeting(a=key[0], b=key[1], round=r, table=table))
        else:
            rest.append((key, r))
    for key, r in rest:
        table = next(t for t in range(problem.tables) if t not in taken[r])
        taken[r].add(table)
        meetings.append(Meeting(a=key[0], b=key[1], round=r, table=table))
    meetings.sort(key=lambda m: (m.round, m.table))
    return meetings


def build_schedule(problem: Problem, prep: Prepared, chosen: list[tuple[tuple[int, int], int]]) -> Schedule:
    meetings = assign_tables(problem, chosen)
    partners: dict[int, set[int]] = defaultdict(set)
    for m in meetings:
        partners[m.a].add(m.b)
        partners[m.b].add(m.a)
    per_person = {
        key: (len(prep.wish_sets.get(key, set()) & partners[key]), len(prep.wish_sets.get(key, set())))
        for key in prep.people
    }
    return Schedule(
        meetings=meetings,
        levels=[],
        wishes_total=prep.wishes_total,
        wishes_met=sum(met for met, _ in per_person.values()),
        per_person=per_person,
        meetings_per_person={key: len(partners[key]) for key in prep.people},
        ignored_wishes=prep.ignored_wishes,
    )


def evaluate(
    problem: Problem, prep: Prepared, chosen: list[tuple[tuple[int, int], int]]
) -> tuple[int, int, int]:
    """The three objective values of a set of (pair, round) meetings, for comparing methods."""
    keys = {key for key, _ in chosen}
    wishes = sum(prep.values.get(key, 0) for key in keys)
    count: dict[int, int] = defaultdict(int)
    reach: dict[int, set[int]] = defaultdict(set)
    for key in prep.candidates:
        reach[key[0]].add(key[1])
        reach[key[1]].add(key[0])
    for key in keys:
        count[key[0]] += 1
        count[key[1]] += 1
    # the fairness level m holds when count >= min(m, cap) for everybody: m is the smallest count of the
    # people below their cap (or the largest cap when everybody reached theirs)
    below, caps = [], [0]
    for key, person in prep.people.items():
        cap = min(len([r for r in person.rounds if 0 <= r < problem.rounds]), len(reach[key]))
        caps.append(cap)
        if count[key] < cap:
            below.append(count[key])
    return wishes, min(below) if below else max(caps), len(chosen)
