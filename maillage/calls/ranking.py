"""The ranking: each juror's scores per criterion, weighted into one mark per application, averaged over
the jurors who scored it. With normalisation, each juror's marks are first centred and scaled on the
jury's overall mean and spread (a severe and a lenient juror then weigh the same).

Pure functions over plain tuples, so the bench and the tests run them without the database."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Ranked:
    application_id: int
    mark: float  # on 10
    jurors: int
    rank: int


def weighted_marks(
    scores: Iterable[tuple[int, int, int, int]], weights: Mapping[int, int]
) -> dict[tuple[int, int], float]:
    """{(juror, application): weighted mean on 10} from (juror, application, criterion, value) rows; a juror
    who left a criterion blank is averaged over the criteria they scored."""
    total: dict[tuple[int, int], float] = defaultdict(float)
    weight: dict[tuple[int, int], int] = defaultdict(int)
    for juror, application, criterion, value in scores:
        w = weights.get(criterion, 0)
        total[juror, application] += w * value
        weight[juror, application] += w
    return {key: total[key] / weight[key] for key in total if weight[key]}


def normalise(marks: Mapping[tuple[int, int], float]) -> dict[tuple[int, int], float]:
    """z-score per juror, mapped back on the jury's overall mean and spread."""
    if not marks:
        return {}
    values = list(marks.values())
    mean = sum(values) / len(values)
    spread = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)) or 1.0
    by_juror: dict[int, list[float]] = defaultdict(list)
    for (juror, _app), mark in marks.items():
        by_juror[juror].append(mark)
    stats = {}
    for juror, own in by_juror.items():
        m = sum(own) / len(own)
        s = math.sqrt(sum((v - m) ** 2 for v in own) / len(own))
        stats[juror] = (m, s or 1.0)
    return {
        (juror, app): min(10.0, max(0.0, mean + spread * (mark - stats[juror][0]) / stats[juror][1]))
        for (juror, app), mark in marks.items()
    }


def rank(
    scores: Iterable[tuple[int, int, int, int]], weights: Mapping[int, int], *, normalised: bool = False
) -> list[Ranked]:
    marks = weighted_marks(scores, weights)
    if normalised:
        marks = normalise(marks)
    per_app: dict[int, list[float]] = defaultdict(list)
    for (_juror, app), mark in marks.items():
        per_app[app].append(mark)
    means = sorted(
        ((sum(v) / len(v), len(v), app) for app, v in per_app.items()), key=lambda t: (-t[0], t[2])
    )
    ranked = []
    previous, position = None, 0
    for i, (mark, count, app) in enumerate(means, 1):
        rounded = round(mark, 4)
        if rounded != previous:
            position, previous = i, rounded
        ranked.append(Ranked(application_id=app, mark=round(mark, 2), jurors=count, rank=position))
    return ranked
