"""What can be said about the input before solving: candidate pairs, their worth, and the plain conflicts
(named in French) that make a schedule impossible."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from .problem import MUTUAL_FACTOR, Person, Problem, ScheduleConflict, pair


@dataclass
class Prepared:
    people: dict[int, Person]
    candidates: dict[tuple[int, int], list[int]]  # pair -> rounds both attend (the pair is allowed)
    values: dict[tuple[int, int], int]  # pair -> wish worth (> 0 only)
    must: set[tuple[int, int]]
    wishes_total: int
    wish_sets: dict[int, set[int]]
    ignored_wishes: list[tuple[int, int]]


def _refused(problem: Problem, a: int, b: int) -> int | None:
    """Who refused this pair, if anybody."""
    if (a, b) in problem.refusals:
        return a
    if (b, a) in problem.refusals:
        return b
    return None


def prepare(problem: Problem) -> Prepared:
    """Check the input, raise ScheduleConflict naming every plain conflict, else return the candidates."""
    people = {person.key: person for person in problem.people}
    errors: list[str] = []
    if problem.tables <= 0:
        errors.append("Aucune table n'est prévue : il en faut au moins une.")
    if problem.rounds <= 0:
        errors.append("Aucun tour n'est prévu : il en faut au moins un.")
    for person in problem.people:
        attended = {r for r in person.rounds if 0 <= r < problem.rounds}
        if problem.rounds > 0 and not attended:
            errors.append(f"{person.label} n'est disponible pour aucun tour.")
    if errors:
        raise ScheduleConflict(errors)

    def label(key: int) -> str:
        return people[key].label

    def common(a: int, b: int) -> list[int]:
        rounds = people[a].rounds & people[b].rounds
        return sorted(r for r in rounds if 0 <= r < problem.rounds)

    def same_side(a: int, b: int) -> bool:
        return bool(people[a].side) and people[a].side == people[b].side

    candidates: dict[tuple[int, int], list[int]] = {}
    keys = sorted(people)
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            if same_side(a, b) or _refused(problem, a, b) is not None:
                continue
            rounds = common(a, b)
            if rounds:
                candidates[(a, b)] = rounds

    # Wishes: rank-weighted, mutual worth more; wishes for someone absent are set aside and reported.
    max_rank = max((len(ranked) for ranked in problem.wishes.values()), default=0)
    weights: dict[tuple[int, int], int] = {}
    ignored: list[tuple[int, int]] = []
    wish_sets: dict[int, set[int]] = defaultdict(set)
    for who, ranked in sorted(problem.wishes.items()):
        if who not in people:
            continue
        for rank, whom in enumerate(ranked, start=1):
            if whom not in people or whom == who:
                ignored.append((who, whom))
                continue
            weights[(who, whom)] = max_rank + 1 - rank
            wish_sets[who].add(whom)
    values: dict[tuple[int, int], int] = {}
    for (who, whom), weight in weights.items():
        key = pair(who, whom)
        if key not in candidates:
            continue
        values[key] = values.get(key, 0) + weight
    for key in values:
        a, b = key
        if (a, b) in weights and (b, a) in weights:
            values[key] *= MUTUAL_FACTOR

    must = _check_must_meet(problem, people, candidates, errors, label, same_side)
    _check_pins(problem, people, candidates, errors, label, same_side)
    if errors:
        raise ScheduleConflict(errors)
    return Prepared(
        people=people,
        candidates=candidates,
        values=values,
        must=must,
        wishes_total=sum(len(s) for s in wish_sets.values()),
        wish_sets=dict(wish_sets),
        ignored_wishes=ignored,
    )


def _check_must_meet(problem, people, candidates, errors, label, same_side) -> set[tuple[int, int]]:
    must: set[tuple[int, int]] = set()
    for a, b in problem.must_meet:
        if a not in people or b not in people:
            errors.append("Une rencontre imposée concerne une personne qui ne participe plus.")
            continue
        key = pair(a, b)
        refuser = _refused(problem, a, b)
        if a == b:
            errors.append(f"{label(a)} ne peut pas se rencontrer soi-même.")
        elif same_side(a, b):
            errors.append(f"{label(a)} et {label(b)} doivent se rencontrer mais sont du même côté.")
        elif refuser is not None:
            errors.append(
                f"{label(a)} et {label(b)} doivent se rencontrer, "
                f"mais {label(refuser)} a refusé cette rencontre."
            )
        elif key not in candidates:
            errors.append(
                f"{label(a)} et {label(b)} doivent se rencontrer "
                "mais ne sont présents à aucun tour en même temps."
            )
        must.add(key)
    load: Counter[int] = Counter()
    for a, b in must:
        load[a] += 1
        load[b] += 1
    for key, count in sorted(load.items()):
        attended = len([r for r in people[key].rounds if 0 <= r < problem.rounds])
        if count > attended:
            errors.append(
                f"{label(key)} doit rencontrer {count} personnes mais n'est disponible que pour "
                f"{attended} tour{'s' if attended > 1 else ''}."
            )
    places = problem.tables * problem.rounds
    if len(must) > places:
        errors.append(
            f"{len(must)} rencontres imposées pour seulement {places} places ({problem.tables} tables × "
            f"{problem.rounds} tours)."
        )
    return must


def _check_pins(problem, people, candidates, errors, label, same_side) -> None:
    seen_person: dict[tuple[int, int], str] = {}
    seen_table: set[tuple[int, int]] = set()
    seen_pair: set[tuple[int, int]] = set()
    per_round: Counter[int] = Counter()
    for pin in problem.pins:
        if pin.a not in people or pin.b not in people:
            errors.append("Une rencontre épinglée concerne une personne qui ne participe plus.")
            continue
        who = f"{label(pin.a)} et {label(pin.b)}"
        shown_round = pin.round + 1
        if not 0 <= pin.round < problem.rounds:
            errors.append(f"La rencontre épinglée de {who} est au tour {shown_round}, qui n'existe pas.")
            continue
        if pin.table is not None and not 0 <= pin.table < problem.tables:
            errors.append(f"La rencontre épinglée de {who} est à la table {pin.table + 1}, qui n'existe pas.")
        refuser = _refused(problem, pin.a, pin.b)
        if same_side(pin.a, pin.b):
            errors.append(f"La rencontre épinglée de {who} réunit deux participants du même côté.")
        elif refuser is not None:
            errors.append(f"La rencontre épinglée de {who} a été refusée par {label(refuser)}.")
        for key, other in ((pin.a, pin.b), (pin.b, pin.a)):
            if pin.round not in people[key].rounds:
                errors.append(
                    f"{label(key)} n'est pas présent au tour {shown_round} où sa rencontre avec "
                    f"{label(other)} est épinglée."
                )
            if (key, pin.round) in seen_person:
                errors.append(f"{label(key)} a deux rencontres épinglées au tour {shown_round}.")
            seen_person[(key, pin.round)] = who
        key_pair = pair(pin.a, pin.b)
        if key_pair in seen_pair:
            errors.append(f"{who} sont épinglés deux fois : une paire ne se rencontre qu'une fois.")
        seen_pair.add(key_pair)
        if pin.table is not None:
            if (pin.round, pin.table) in seen_table:
                errors.append(
                    f"La table {pin.table + 1} porte deux rencontres épinglées au tour {shown_round}."
                )
            seen_table.add((pin.round, pin.table))
        per_round[pin.round] += 1
    for round_, count in sorted(per_round.items()):
        if count > problem.tables:
            errors.append(
                f"{count} rencontres épinglées au tour {round_ + 1} pour seulement {problem.tables} tables."
            )
