"""Every yearly evaluation is reached from the plan page, whatever the year shown."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from maillage.core.actors import SYSTEM
from maillage.plan import services
from tests.plan.factories import make_tree, make_version

pytestmark = pytest.mark.django_db


def test_the_plan_page_lists_every_evaluation(client, territory, other_territory):
    with time_machine.travel(dt.datetime(2026, 1, 10, 9, tzinfo=dt.UTC), tick=False):
        first = make_version(territory, year=2025)
        make_tree(first)
        adopted = services.open_evaluation(
            actor=SYSTEM, version=first, consultation_ends_on=dt.date(2026, 1, 31)
        )
        services.conclude_evaluation(
            actor=SYSTEM, evaluation=adopted, conclusions="Une bonne année.", next_year_changes=""
        )
        services.adopt_evaluation(actor=SYSTEM, evaluation=adopted)
        second = services.copy_version(actor=SYSTEM, version=first, year=2026)
        services.open_evaluation(actor=SYSTEM, version=second, consultation_ends_on=dt.date(2026, 12, 31))
    with time_machine.travel(dt.datetime(2026, 11, 10, 9, tzinfo=dt.UTC), tick=False):
        for path in ("/contrat/", "/contrat/2025/", "/contrat/2026/"):
            html = client.get(path).content.decode()
            assert "Évaluations annuelles" in html, path
            assert (
                '<a href="/contrat/2025/evaluation/">Évaluation du plan 2025</a> — '
                "adoptée le samedi 10 janvier 2026" in html
            ), path
            assert (
                '<a href="/contrat/2026/evaluation/">Évaluation du plan 2026</a> — en consultation, '
                "jusqu'au jeudi 31 décembre 2026" in html
            ), path
        assert html.index("Évaluation du plan 2026") < html.index("Évaluation du plan 2025")  # latest first
        other = client.get("/contrat/", HTTP_HOST="autre.testserver").content.decode()
        assert "Évaluations annuelles" not in other
