"""The call's evaluation criteria: the 8 CSESS themes by default, edited by the animation (add, rename,
re-weight, remove) until a juror has scored; bad input and late changes: a French message, nothing changed."""

from __future__ import annotations

from html import unescape

import pytest
from django.core.exceptions import ValidationError

from maillage.calls import selectors, services
from maillage.calls.models import Criterion
from tests.calls.factories import SYS, close_and_check, eligible, open_call, seat

pytestmark = pytest.mark.django_db
URL = "/appels-a-projets/gestion/2026/criteres/"


def _state(call) -> list[tuple[str, int]]:
    return list(call.criteria.values_list("label", "weight"))


def _post(client, rows, extra=()) -> str:
    """The page's formset: every row (name, weight, remove?) then blank rows."""
    data = {"criteres-TOTAL_FORMS": str(len(rows) + len(extra)), "criteres-INITIAL_FORMS": str(len(rows))}
    for i, (label, weight, *remove) in enumerate([*rows, *extra]):
        data[f"criteres-{i}-label"] = label
        data[f"criteres-{i}-weight"] = weight
        if remove and remove[0]:
            data[f"criteres-{i}-DELETE"] = "on"
    page = client.post(URL, data, follow=True)
    return unescape(page.content.decode())


def _current_rows(call):
    return [(c.label, str(c.weight)) for c in call.criteria.all()]


def test_the_animator_renames_reweights_removes_and_adds_criteria(territory, animator, client):
    call = open_call(territory)
    assert len(_state(call)) == 8 and {w for _l, w in _state(call)} == {1}
    client.force_login(animator)
    page = unescape(client.get(URL).content.decode())
    assert "Critère n° 1 : Gouvernance" in page and "Retirer ce critère" in page
    rows = _current_rows(call)
    rows[0] = ("Gouvernance partagée", "3")  # renamed and re-weighted
    removed = rows[1][0]
    rows[1] = (*rows[1], True)  # removed
    done = _post(client, rows, extra=[("Coopération avec les communes", "2"), ("", "")])
    assert "Les critères d'évaluation et leurs pondérations sont enregistrés." in done
    state = _state(call)
    assert state[0] == ("Gouvernance partagée", 3)
    assert len(state) == 8 and state[-1] == ("Coopération avec les communes", 2)
    assert removed not in [label for label, _w in state]
    ranking = unescape(client.get("/appels-a-projets/gestion/2026/classement/").content.decode())
    assert "Gouvernance partagée : pondération 3" in ranking


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda rows: rows.__setitem__(0, (rows[0][0], "0")),
            "la pondération est un nombre entier de 1 à 10",
        ),
        (
            lambda rows: rows.__setitem__(0, (rows[0][0], "-2")),
            "la pondération est un nombre entier de 1 à 10",
        ),
        (
            lambda rows: rows.__setitem__(0, (rows[0][0], "11")),
            "la pondération est un nombre entier de 1 à 10",
        ),
        (
            lambda rows: rows.__setitem__(0, (rows[0][0], "deux")),
            "la pondération est un nombre entier de 1 à 10",
        ),
        (lambda rows: rows.__setitem__(0, ("", "3")), "Critère n° 1 : donnez-lui un nom."),
        (lambda rows: rows.__setitem__(1, (rows[0][0], "1")), "Deux critères portent le même nom"),
        (
            lambda rows: rows.__setitem__(slice(None), [(lbl, w, True) for lbl, w in rows]),
            "au moins un critère",
        ),
    ],
)
def test_bad_criteria_are_refused_in_french_and_nothing_changes(territory, animator, client, change, message):
    call = open_call(territory)
    before = list(call.criteria.values_list("pk", "label", "weight"))
    client.force_login(animator)
    rows = _current_rows(call)
    change(rows)
    page = _post(client, rows)
    assert message in page and "L'action n'a pas été faite" in page
    assert list(call.criteria.values_list("pk", "label", "weight")) == before


def test_the_service_refuses_a_nameless_criterion_instead_of_dropping_it(territory):
    call = open_call(territory)
    before = _state(call)
    with pytest.raises(ValidationError, match="donnez-lui un nom"):
        services.set_criteria(actor=SYS, call=call, criteria=[("Utilité sociale", 2), ("  ", 3)])
    assert _state(call) == before


def test_once_a_juror_has_scored_the_criteria_no_longer_change(
    territory, structure, manager_other, animator, client
):
    call = open_call(territory)
    services.set_criteria(actor=SYS, call=call, criteria=[("Utilité sociale", 3), ("Viabilité", 1)])
    app = eligible(call, structure)
    call = close_and_check(call, app)
    juror = seat(call, manager_other)
    utility, viability = call.criteria.all()
    services.score_application(
        actor=manager_other, juror=juror, application=app, scores={utility.pk: (8, ""), viability.pk: (4, "")}
    )
    [row] = selectors.ranking(call)
    assert row.ranked.mark == pytest.approx((8 * 3 + 4 * 1) / 4)  # the weights apply
    before = list(Criterion.objects.values_list("pk", "label", "weight"))
    with pytest.raises(ValidationError, match="Le jury a commencé à noter"):
        services.set_criteria(actor=SYS, call=call, criteria=[("Utilité sociale", 1), ("Viabilité", 1)])
    client.force_login(animator)
    shown = unescape(client.get(URL).content.decode())
    assert "Le jury a commencé à noter" in shown and "Enregistrer les critères" not in shown
    page = _post(client, [("Utilité sociale", "1"), ("Viabilité", "1")])
    assert "Le jury a commencé à noter : les critères d'évaluation ne peuvent plus changer" in page
    assert list(Criterion.objects.values_list("pk", "label", "weight")) == before
