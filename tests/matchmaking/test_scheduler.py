"""The scheduler alone (no database): hard constraints, lexicographic optimality against brute force,
determinism, the greedy baseline, pins, and the French explanations of conflicts."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from maillage.matchmaking.scheduler import (
    Person,
    Pin,
    Problem,
    ScheduleConflict,
    SolverSettings,
    evaluate,
    greedy,
    prepare,
    solve,
)
from maillage.matchmaking.scheduler.generate import random_problem

FAST = SolverSettings(time_limit=5.0)


def people(side: str, count: int, rounds: int, offset: int = 0) -> list[Person]:
    return [
        Person(key=offset + i, label=f"{side}{offset + i}", side=side, rounds=frozenset(range(rounds)))
        for i in range(1, count + 1)
    ]


def assert_valid(problem: Problem, schedule) -> None:
    by = {p.key: p for p in problem.people}
    seats = Counter((m.round, m.table) for m in schedule.meetings)
    assert all(n == 1 for n in seats.values()), "a table holds two meetings in one round"
    assert all(0 <= m.table < problem.tables for m in schedule.meetings)
    places = Counter()
    pairs = Counter()
    for m in schedule.meetings:
        places[(m.a, m.round)] += 1
        places[(m.b, m.round)] += 1
        pairs[(m.a, m.b)] += 1
        assert m.round in by[m.a].rounds and m.round in by[m.b].rounds, "outside an availability"
        assert (m.a, m.b) not in problem.refusals and (m.b, m.a) not in problem.refusals, "a refused pair"
        assert not by[m.a].side or by[m.a].side != by[m.b].side, "two people of the same side"
    assert max(places.values(), default=1) == 1, "somebody in two places"
    assert max(pairs.values(), default=1) == 1, "a pair met twice"
    met = set(pairs)
    for a, b in problem.must_meet:
        assert (min(a, b), max(a, b)) in met, "a must-meet pair is missing"
    for pin in problem.pins:
        assert any(
            {m.a, m.b} == {pin.a, pin.b}
            and m.round == pin.round
            and (pin.table is None or m.table == pin.table)
            for m in schedule.meetings
        ), "a pin was not kept"


def brute_force(problem: Problem) -> tuple[int, int, int]:
    """Every assignment of each allowed pair to no round or one of its rounds, best lexicographic value."""
    prep = prepare(problem)
    keys = sorted(prep.candidates)
    pinned = {(min(p.a, p.b), max(p.a, p.b)): p.round for p in problem.pins}
    best = None
    busy: set[tuple[int, int]] = set()
    used: Counter[int] = Counter()
    chosen: list[tuple[tuple[int, int], int]] = []

    def walk(i: int) -> None:
        nonlocal best
        if i == len(keys):
            if all(any(k == key for k, _ in chosen) for key in prep.must):
                value = evaluate(problem, prep, chosen)
                best = value if best is None or value > best else best
            return
        key = keys[i]
        options: list[int | None] = [pinned[key]] if key in pinned else [None, *prep.candidates[key]]
        for r in options:
            if r is None:
                if key in prep.must:
                    continue
                walk(i + 1)
                continue
            if (key[0], r) in busy or (key[1], r) in busy or used[r] >= problem.tables:
                continue
            busy.update({(key[0], r), (key[1], r)})
            used[r] += 1
            chosen.append((key, r))
            walk(i + 1)
            chosen.pop()
            used[r] -= 1
            busy.difference_update({(key[0], r), (key[1], r)})

    walk(0)
    assert best is not None
    return best


def small_problem(seed: int) -> Problem:
    rng = random.Random(seed)
    rounds = rng.choice([2, 3])
    group = people("a", 3, rounds) + people("b", 3, rounds, offset=10)
    group = [
        Person(
            p.key, p.label, p.side, frozenset(r for r in p.rounds if rng.random() > 0.25) or frozenset({0})
        )
        for p in group
    ]
    a_keys = [p.key for p in group if p.side == "a"]
    b_keys = [p.key for p in group if p.side == "b"]
    wishes = {}
    for p in group:
        others = b_keys if p.side == "a" else a_keys
        wishes[p.key] = rng.sample(others, rng.randint(0, 3))
    refusals = {(rng.choice(a_keys), rng.choice(b_keys))} if rng.random() < 0.5 else set()
    return Problem(people=group, rounds=rounds, tables=rng.choice([1, 2]), wishes=wishes, refusals=refusals)


@pytest.mark.parametrize("seed", range(12))
def test_lexicographic_optimum_matches_brute_force(seed):
    problem = small_problem(seed)
    schedule = solve(problem, FAST)
    assert_valid(problem, schedule)
    reached = tuple(level.value for level in schedule.levels)
    assert reached == brute_force(problem)
    assert all(level.optimal and level.gap == 0.0 for level in schedule.levels)
    greedy_values = greedy(problem)[1]
    assert greedy_values <= reached


def test_brute_force_optimum_with_must_meet_and_pin():
    problem = small_problem(3)
    a, b = [p.key for p in problem.people if p.side == "a"], [p.key for p in problem.people if p.side == "b"]
    problem.refusals = set()
    problem.people = [
        Person(p.key, p.label, p.side, frozenset(range(problem.rounds))) for p in problem.people
    ]
    problem.must_meet = [(a[2], b[2])]
    problem.pins = [Pin(a=a[0], b=b[1], round=problem.rounds - 1, table=0)]
    schedule = solve(problem, FAST)
    assert_valid(problem, schedule)
    assert tuple(level.value for level in schedule.levels) == brute_force(problem)


def test_medium_instance_holds_every_constraint_and_reports_wishes():
    problem = random_problem(15, 15, rounds=6, tables=5, wishes=5, seed=7)
    problem.must_meet = [(1, 10_001), (2, 10_003)]
    problem.refusals -= {(1, 10_001), (10_001, 1), (2, 10_003), (10_003, 2)}
    problem.people = [
        p if p.key not in (1, 2, 10_001, 10_003) else Person(p.key, p.label, p.side, frozenset(range(6)))
        for p in problem.people
    ]
    problem.pins = [Pin(a=3, b=10_004, round=2, table=4)]
    problem.refusals -= {(3, 10_004), (10_004, 3)}
    schedule = solve(problem, FAST)
    assert_valid(problem, schedule)
    assert len(schedule.meetings) <= 6 * 5
    assert schedule.wishes_total == sum(len(v) for v in problem.wishes.values())
    assert schedule.wishes_met == sum(met for met, _ in schedule.per_person.values())
    assert 0 < schedule.wishes_share <= 1
    for level in schedule.levels:
        assert level.bound >= level.value


def test_same_input_same_schedule():
    problem = random_problem(20, 20, rounds=6, tables=8, wishes=6, seed=3)
    first = solve(problem, FAST)
    second = solve(problem, FAST)
    assert first.meetings == second.meetings
    assert [lv.value for lv in first.levels] == [lv.value for lv in second.levels]


def test_mutual_wish_outweighs_two_one_sided_wishes_of_same_rank():
    # one round, one table: a1<->b1 mutual (rank 1 both) against a2->b2 (rank 1) alone
    group = people("a", 2, 1) + people("b", 2, 1, offset=10)
    problem = Problem(people=group, rounds=1, tables=1, wishes={1: [11], 11: [1], 2: [12]})
    schedule = solve(problem, FAST)
    assert [(m.a, m.b) for m in schedule.meetings] == [(1, 11)]
    assert schedule.level("wishes").value == 2 * (1 + 1)


def test_fairness_raises_the_minimum_after_wishes():
    # everybody wants b1; two rounds, two tables: wishes place a1-b1 and a2-b1, fairness then gives a3 a seat
    group = people("a", 3, 2) + people("b", 2, 2, offset=10)
    problem = Problem(people=group, rounds=2, tables=2, wishes={1: [11], 2: [11], 3: [11]})
    schedule = solve(problem, FAST)
    assert schedule.level("fairness").value == 1
    assert min(schedule.meetings_per_person.values()) >= 1


def test_free_seats_are_filled_with_allowed_pairs_only():
    group = people("a", 2, 2) + people("b", 2, 2, offset=10)
    problem = Problem(people=group, rounds=2, tables=2, refusals={(2, 12)})
    schedule = solve(problem, FAST)
    assert_valid(problem, schedule)
    assert {(m.a, m.b) for m in schedule.meetings} == {(1, 11), (1, 12), (2, 11)}


def test_rerun_around_pins_keeps_them():
    problem = random_problem(10, 10, rounds=5, tables=4, wishes=4, seed=11, refusal_share=0)
    problem.people = [Person(p.key, p.label, p.side, frozenset(range(5))) for p in problem.people]
    first = solve(problem, FAST)
    moved = first.meetings[0]
    target_round = (moved.round + 1) % 5
    problem.pins = [Pin(a=moved.a, b=moved.b, round=target_round, table=3)]
    second = solve(problem, FAST)
    assert_valid(problem, second)
    assert any((m.a, m.b, m.round, m.table) == (moved.a, moved.b, target_round, 3) for m in second.meetings)


def test_greedy_baseline_is_valid_and_not_better():
    problem = random_problem(12, 12, rounds=5, tables=4, wishes=5, seed=5)
    schedule, values, complete = greedy(problem)
    assert complete
    assert_valid(problem, schedule)
    optimum = solve(problem, FAST)
    assert values <= tuple(level.value for level in optimum.levels)


def test_wishes_for_someone_absent_are_set_aside():
    group = people("a", 1, 2) + people("b", 1, 2, offset=10)
    problem = Problem(people=group, rounds=2, tables=1, wishes={1: [99, 11]})
    schedule = solve(problem, FAST)
    assert schedule.ignored_wishes == [(1, 99)]
    assert schedule.wishes_total == 1 and schedule.wishes_met == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda p: setattr(p, "tables", 0), "Aucune table n'est prévue"),
        (
            lambda p: p.people.__setitem__(0, Person(1, "Atelier Vert", "a", frozenset())),
            "Atelier Vert n'est disponible pour aucun tour.",
        ),
        (
            lambda p: setattr(p, "must_meet", [(1, 11), (1, 12), (1, 13)]),
            "a1 doit rencontrer 3 personnes mais n'est disponible que pour 2 tours.",
        ),
        (
            lambda p: (setattr(p, "must_meet", [(1, 11)]), setattr(p, "refusals", {(11, 1)})),
            "a1 et b11 doivent se rencontrer, mais b11 a refusé cette rencontre.",
        ),
        (
            lambda p: setattr(p, "pins", [Pin(a=1, b=11, round=5)]),
            "La rencontre épinglée de a1 et b11 est au tour 6, qui n'existe pas.",
        ),
        (
            lambda p: setattr(
                p, "pins", [Pin(a=1, b=11, round=0, table=0), Pin(a=2, b=12, round=0, table=0)]
            ),
            "La table 1 porte deux rencontres épinglées au tour 1.",
        ),
        (
            lambda p: setattr(p, "pins", [Pin(a=1, b=11, round=0), Pin(a=1, b=12, round=0)]),
            "a1 a deux rencontres épinglées au tour 1.",
        ),
        (
            lambda p: (setattr(p, "pins", [Pin(a=1, b=11, round=0)]), setattr(p, "refusals", {(1, 11)})),
            "La rencontre épinglée de a1 et b11 a été refusée par a1.",
        ),
    ],
)
def test_conflicts_are_named_in_french(change, expected):
    problem = Problem(people=people("a", 3, 2) + people("b", 3, 2, offset=10), rounds=2, tables=2)
    change(problem)
    with pytest.raises(ScheduleConflict) as caught:
        solve(problem, FAST)
    assert any(expected in message for message in caught.value.messages), caught.value.messages


def test_must_meet_pairs_that_only_conflict_together_are_named():
    # b11 must meet a1 and a2, who both only attend round 1: each pair alone fits, both together cannot
    group = [
        Person(1, "Atelier Vert", "a", frozenset({0})),
        Person(2, "Bois & Cie", "a", frozenset({0})),
        Person(11, "Garage Solidaire", "b", frozenset({0, 1})),
    ]
    problem = Problem(people=group, rounds=2, tables=3, must_meet=[(1, 11), (2, 11)])
    with pytest.raises(ScheduleConflict) as caught:
        solve(problem, FAST)
    message = caught.value.messages[0]
    assert "Atelier Vert – Garage Solidaire" in message and "Bois & Cie – Garage Solidaire" in message


def test_open_side_triangle_falls_back_to_the_full_model_and_stays_optimal():
    # one open side: a triangle fits the aggregated counts (2 meetings each, 2 rounds) but three pairs cannot
    # be given two rounds, so the full model decides; brute force agrees
    group = [Person(k, f"p{k}", "", frozenset({0, 1})) for k in (1, 2, 3)]
    problem = Problem(people=group, rounds=2, tables=2, wishes={1: [2, 3], 2: [3]})
    schedule = solve(problem, FAST)
    assert schedule.method == "cp-sat (modèle complet)"
    assert_valid(problem, schedule)
    assert tuple(level.value for level in schedule.levels) == brute_force(problem)


def test_vis_ma_vie_pairs_are_one_to_one_with_two_common_dates():
    import datetime as dt

    from maillage.matchmaking.scheduler import Volunteer, pair_volunteers

    d = [dt.date(2026, 3, day) for day in (2, 3, 4, 5)]
    volunteers = [
        Volunteer(1, "Directrice SIAE", "a", frozenset(d[:3])),
        Volunteer(2, "Directeur EI", "a", frozenset(d[1:])),
        Volunteer(3, "Régie", "a", frozenset({d[0]})),  # one date only: cannot host and be hosted
        Volunteer(11, "PDG Sophia", "b", frozenset(d)),
        Volunteer(12, "DRH", "b", frozenset(d[2:])),
    ]
    result = pair_volunteers(volunteers, wishes={1: [12, 11], 12: [1], 2: [11]}, settings=FAST)
    couples = {(c.a, c.b) for c in result.couples}
    # 1-12 share one date only. {1-11, 2-12} is worth 1 (1 wants 11 at rank 2), {2-11} is worth 2 (2 wants
    # 11 at rank 1): wishes come first, even at the cost of a second pair
    assert couples == {(2, 11)}
    assert 3 in result.unpaired
    for couple in result.couples:
        assert couple.first < couple.second
    assert all(level.optimal for level in result.levels)


def test_vis_ma_vie_without_dates_is_explained():
    import datetime as dt

    from maillage.matchmaking.scheduler import Volunteer, pair_volunteers

    with pytest.raises(ScheduleConflict) as caught:
        pair_volunteers(
            [
                Volunteer(1, "Directrice SIAE", "a", frozenset()),
                Volunteer(2, "PDG", "b", frozenset({dt.date.today()})),
            ],
            wishes={},
        )
    assert caught.value.messages == ["Directrice SIAE n'a indiqué aucune date."]
