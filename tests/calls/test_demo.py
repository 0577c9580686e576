"""The calls' demo, loaded after the foundation's loaders as `maillage demo` does: this year's call with a
jury of four who scored (one declared conflict, whose juror did not score that application), a ranking
without ties whose first five are the laureates, five grants with a payment, the specification adopted with
four articles and comments on three of them; loading twice changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.calls import selectors
from maillage.calls.models import Call, Conflict, Grant, Payment, Score, SpecComment
from maillage.core.registry import registry

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)


def run_demo() -> None:
    context: dict = {"today": TODAY, "logins": []}
    for loader in registry.ordered_demo_loaders():
        if loader.order <= 25 or loader.key == "calls_demo":
            loader.load(today=TODAY, context=context)


def test_the_demo_call_has_a_jury_with_scores_a_conflict_and_a_ranking():
    run_demo()
    call = Call.objects.get(territory__slug="pays-de-grasse", year=2026)
    assert call.status == "decided"
    weights = dict(call.criteria.values_list("label", "weight"))
    assert (
        len(weights) == 8 and weights["Ancrage territorial"] == 2 and weights["Gouvernance démocratique"] == 1
    )
    assert call.jurors.filter(status="accepted").count() == 4
    [conflict] = Conflict.objects.filter(juror__call=call)
    tied = call.applications.get(structure=conflict.structure)
    assert not Score.objects.filter(juror=conflict.juror, application=tied).exists()
    rows = selectors.ranking(call)
    assert len(rows) == 7 and [r.ranked.rank for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    laureates = {g.application_id for g in Grant.objects.filter(application__call=call)}
    assert {r.application.pk for r in rows[:5]} == laureates
    assert all(r.ranked.jurors >= 2 for r in rows)
    assert Payment.objects.filter(grant__application__call=call).count() == 5
    [spec] = call.specifications.all()
    assert spec.status == "adopted" and spec.articles.count() == 4
    commented = {c.article.title for c in SpecComment.objects.filter(article__version=spec)}
    assert commented == {"Projets attendus", "Ce que finance le fonds", "Calendrier"}
    scores = Score.objects.count()
    run_demo()
    assert Score.objects.count() == scores and Call.objects.count() == 1
