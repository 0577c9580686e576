"""What the Trophée gives the registry for the plan and the lettre: its metrics (editions held, nominees
in the running, confirmed public votes, winners) on real rows, and its block in a lettre issue."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
import time_machine

from maillage.awards import services
from maillage.awards.models import Nomination
from maillage.awards.services.votes import vote_token
from maillage.core.registry import registry
from maillage.newsletter import services as lettre
from tests.awards.factories import SYS, edition_with_nominees
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
JUNE = (dt.date(2026, 6, 1), dt.date(2026, 6, 30))
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def _vote(nomination: Nomination, email: str) -> None:
    services.confirm_vote(actor=SYS, token=vote_token(nomination, email))


@pytest.fixture
def voting(territory, structure):
    """Two nominees proposed in March; three votes confirmed in May (two for the second nominee)."""
    other = StructureFactory(territory=territory, name="Épicerie solidaire")
    with time_machine.travel(dt.datetime(2026, 3, 10, 10, tzinfo=dt.UTC), tick=False):
        edition = edition_with_nominees(territory, [structure, other])
    mine, theirs = Nomination.objects.filter(category__edition=edition).order_by("pk")
    with time_machine.travel(dt.datetime(2026, 5, 12, 10, tzinfo=dt.UTC), tick=False):
        _vote(mine, "a@exemple.fr")
        _vote(theirs, "b@exemple.fr")
        _vote(theirs, "c@exemple.fr")
    return edition, mine, theirs


def _publish(edition, jury_pick) -> None:
    services.transition_edition(actor=SYS, edition=edition, to="closed")
    with time_machine.travel(dt.datetime(2026, 6, 20, 18, tzinfo=dt.UTC), tick=False):
        services.publish_results(
            actor=SYS, edition=edition, jury_choices={edition.categories.first().pk: jury_pick.pk}
        )


def _compute(key: str, territory, period) -> int | float:
    return registry.metric(key).compute(territory, *period)


def test_the_metrics_count_editions_nominees_votes_and_winners_of_the_period(
    territory, other_territory, voting
):
    edition, mine, theirs = voting
    # a proposal still waiting for its structure's consent is not in the running
    with time_machine.travel(dt.datetime(2026, 3, 11, 10, tzinfo=dt.UTC), tick=False):
        Nomination.objects.create(
            category=edition.categories.last(),
            structure=StructureFactory(territory=territory),
            initiative="En attente",
            status="pending",
        )
    assert _compute("awards_nominations", territory, MARCH) == 2
    assert _compute("awards_nominations", territory, JUNE) == 0
    assert _compute("awards_votes", territory, YEAR) == 3
    assert _compute("awards_votes", territory, MARCH) == 0
    assert _compute("awards_editions", territory, YEAR) == 0  # not published yet
    assert _compute("awards_winners", territory, YEAR) == 0
    _publish(edition, jury_pick=mine)  # the jury's prize to mine, the public's to theirs
    assert _compute("awards_editions", territory, JUNE) == 1
    assert _compute("awards_editions", territory, MARCH) == 0
    assert _compute("awards_winners", territory, JUNE) == 2
    assert _compute("awards_winners", other_territory, YEAR) == 0
    assert _compute("awards_votes", other_territory, YEAR) == 0
    # the plan offers them as the source of a computed indicator
    assert {"awards_editions", "awards_nominations", "awards_votes", "awards_winners"} <= set(
        registry.metrics
    )


def test_the_lettre_block_announces_the_open_vote(territory, animator, voting):
    issue = lettre.create_issue(
        actor=animator, territory=territory, title="Le vote est ouvert", providers=["awards_trophy"]
    )
    [block] = issue.blocks
    assert block["title"] == "Trophée des initiatives responsables"
    assert "le vote du public est ouvert dans 2 catégories" in block["text"]
    assert "https://ess.paysdegrasse.test/trophees/2026/" in block["html"]


def test_the_lettre_block_lists_the_winners_published_since_the_last_issue(territory, animator, voting):
    edition, mine, theirs = voting
    _publish(edition, jury_pick=mine)
    with time_machine.travel(dt.datetime(2026, 6, 25, 9, tzinfo=dt.UTC), tick=False):
        issue = lettre.create_issue(
            actor=animator, territory=territory, title="Le palmarès", providers=["awards_trophy"]
        )
    [block] = issue.blocks
    assert block["title"] == "Le palmarès du Trophée 2026"
    assert "Transition écologique : Projet de La Ressourcerie du Pays de Grasse" in block["text"]
    assert "prix du jury" in block["text"] and "Épicerie solidaire), prix du public" in block["text"]
    assert "/trophees/2026/palmares/" in block["html"] and "<li>" in block["html"]
    # winners published before the previous issue are not announced again
    build = registry.content_providers["awards_trophy"].build
    later = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
    assert build(territory=territory, since=later, options={}) is None
    # an archive composed after the fact stops at its own date
    assert (
        build(territory=territory, since=dt.date(2026, 1, 1), options={"until": dt.date(2026, 6, 1)}) is None
    )


def test_the_results_page_shows_a_zero_mark_and_once_published_the_prizes(
    territory, animator, manager_other, client, voting
):
    edition, mine, theirs = voting
    juror = services.add_juror(actor=SYS, edition=edition, email=manager_other.email)
    for nomination, mark in ((mine, 0), (theirs, 7)):
        marks = {c.pk: mark for c in edition.criteria.all()}
        services.score_nomination(actor=manager_other, juror=juror, nomination=nomination, scores=marks)
    _publish(edition, jury_pick=theirs)
    client.force_login(animator)
    page = unescape(client.get("/trophees/gestion/2026/resultats/").content.decode())
    row = re.search(r"<tr>\s*<td>2</td>.*?</tr>", page, re.S).group(0)
    assert "<td>0,00</td>" in row  # a mark of 0 is a mark, not « — »
    assert '<th scope="col">Prix</th>' in page
    assert "prix du jury et prix du public" in page  # theirs: the jury's pick and two votes of three
