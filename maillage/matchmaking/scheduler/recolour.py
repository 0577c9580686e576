"""Rounds for a chosen set of pairs without a solver, by alternating-path recolouring (König, de Werra).

Giving rounds to pairs is colouring the edges of the meeting graph (a colour = a round) so that nobody has
two meetings in a round, each pair only in a round both attend, and no round holds more meetings than tables.

1. Proper colouring: each pair takes a round where both are free; else, for a round α free for one end and β
   free for the other, the α/β alternating path from the other end is flipped (Kempe chain), which frees α
   there. In a bipartite graph that path never comes back (König's proof).
2. Balancing: while a round α holds more meetings than tables, an α/β alternating path with one α edge more
   than β edges is flipped toward a round β with a free table (de Werra's equitable colouring).

Every flip checks the pairs' common rounds and the pins. Deterministic (fixed orders, no randomness).
Returns None when a step finds no valid flip; the caller then hands the problem to CP-SAT.
"""

from __future__ import annotations

from collections import defaultdict

Key = tuple[int, int]


class _Colouring:
    def __init__(self, allowed: dict[Key, list[int]], fixed: dict[Key, int]):
        self.allowed = {key: set(rounds) for key, rounds in allowed.items()}
        self.fixed = fixed
        self.colour: dict[Key, int] = {}
        self.at: dict[tuple[int, int], Key] = {}  # (person, round) -> pair
        self.count: dict[int, int] = defaultdict(int)

    def put(self, key: Key, r: int) -> None:
        self.colour[key] = r
        self.at[(key[0], r)] = key
        self.at[(key[1], r)] = key
        self.count[r] += 1

    def take(self, key: Key) -> None:
        r = self.colour.pop(key)
        del self.at[(key[0], r)]
        del self.at[(key[1], r)]
        self.count[r] -= 1

    def free(self, person: int, r: int) -> bool:
        return (person, r) not in self.at

    def path(self, start: int, first: int, second: int) -> list[Key] | None:
        """The alternating path from `start` whose first edge has colour `first`; None if it is a cycle."""
        edges: list[Key] = []
        person, colour = start, first
        seen: set[Key] = set()
        while (person, colour) in self.at:
            key = self.at[(person, colour)]
            if key in seen:
                return None
            seen.add(key)
            edges.append(key)
            person = key[1] if key[0] == person else key[0]
            colour = second if colour == first else first
        return edges

    def flippable(self, edges: list[Key], first: int, second: int) -> bool:
        for key in edges:
            target = second if self.colour[key] == first else first
            if key in self.fixed or target not in self.allowed[key]:
                return False
        return True

    def flip(self, edges: list[Key], first: int, second: int) -> None:
        targets = [(key, second if self.colour[key] == first else first) for key in edges]
        for key, _ in targets:
            self.take(key)
        for key, target in targets:
            self.put(key, target)


def assign_by_recolouring(
    pairs: list[Key], allowed: dict[Key, list[int]], fixed: dict[Key, int], tables: int
) -> dict[Key, int] | None:
    c = _Colouring({key: allowed[key] for key in pairs}, fixed)
    for key, r in sorted(fixed.items()):
        if not (c.free(key[0], r) and c.free(key[1], r)):
            return None
        c.put(key, r)
    for key in sorted((k for k in pairs if k not in fixed), key=lambda k: (len(c.allowed[k]), k)):
        if not _place(c, key):
            return None
    if not _balance(c, tables):
        return None
    return dict(c.colour)


def _place(c: _Colouring, key: Key) -> bool:
    u, v = key
    rounds = sorted(c.allowed[key])
    both = [r for r in rounds if c.free(u, r) and c.free(v, r)]
    if both:
        c.put(key, min(both, key=lambda r: (c.count[r], r)))
        return True
    for end, other in ((u, v), (v, u)):
        for alpha in rounds:
            if not c.free(end, alpha):
                continue
            for beta in rounds:
                if beta == alpha or not c.free(other, beta):
                    continue
                edges = c.path(other, alpha, beta)
                if edges is None or not c.flippable(edges, alpha, beta):
                    continue
                if any(end in k for k in edges):
                    continue  # odd cycle (one-sided meeting): this flip would not free alpha at `end`
                c.flip(edges, alpha, beta)
                c.put(key, alpha)
                return True
    return False


def _balance(c: _Colouring, tables: int) -> bool:
    for _ in range(10 * len(c.colour) + 10):
        over = sorted(r for r, n in c.count.items() if n > tables)
        if not over:
            return True
        alpha = over[0]
        if not _shift(c, alpha, tables):
            return False
    return False


def _shift(c: _Colouring, alpha: int, tables: int) -> bool:
    """Move one meeting out of round `alpha` by flipping an alternating path toward a round with room."""
    rounds = sorted({r for allowed in c.allowed.values() for r in allowed})
    for beta in (r for r in rounds if r != alpha and c.count[r] < tables):
        for key in sorted(k for k, r in c.colour.items() if r == alpha):
            # the whole α/β component of this α edge: extend from both ends
            left = c.path(key[0], beta, alpha)
            right = c.path(key[1], beta, alpha)
            if left is None or right is None:
                continue
            edges = [*reversed(left), key, *right]
            if len(set(edges)) != len(edges):
                continue
            alphas = sum(1 for k in edges if c.colour[k] == alpha)
            if alphas != len(edges) - alphas + 1 or not c.flippable(edges, alpha, beta):
                continue
            c.flip(edges, alpha, beta)
            return True
    return False
