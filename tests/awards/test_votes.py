"""The public vote: one vote per verified address per category, confirmed by page + POST from the mailed
link; a forged, expired or replayed link, a second vote, a vote when closed: a French message, nothing
changed; no clear address kept; results hidden until the close."""

from __future__ import annotations

import re
from html import unescape

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client

from maillage.awards import services
from maillage.awards.models import Nomination, Vote
from maillage.awards.services.votes import address_hash, vote_token
from maillage.core.tokens import TokenExpired
from tests.awards.factories import SYS, edition_with_nominees
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def voting(territory, structure):
    other = StructureFactory(territory=territory, name="Épicerie solidaire")
    edition = edition_with_nominees(territory, [structure, other])
    mine, theirs = Nomination.objects.filter(category__edition=edition).order_by("pk")
    return edition, mine, theirs


def _link(body: str) -> str:
    return re.search(r"https?://[^\s]+/trophees/vote/[^\s/]+/", body).group(0)


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_a_citizen_votes_from_the_mailed_link(voting, client, django_capture_on_commit_callbacks):
    edition, mine, _theirs = voting
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/trophees/voter/{mine.pk}/", {"email": "  Habitante@Exemple.FR "})
    assert "Vérifiez votre messagerie" in unescape(page.content.decode())
    assert not Vote.objects.exists()  # nothing counted before confirmation
    [message] = mail.outbox
    assert message.to == ["habitante@exemple.fr"]
    path = _path(_link(message.body))
    assert "habitante" not in path.lower()  # the link carries the hash, never the address
    shown = unescape(client.get(path).content.decode())
    assert "Confirmer mon vote" in shown and not Vote.objects.exists()  # GET changes nothing
    done = unescape(client.post(path).content.decode())
    assert "votre vote pour « Projet de La Ressourcerie du Pays de Grasse »" in done
    [vote] = Vote.objects.all()
    assert vote.nomination == mine and vote.address_hash == address_hash("habitante@exemple.fr")
    # a retried POST (the answer was lost) finds its vote: counted once
    again = unescape(client.post(path).content.decode())
    assert "déjà enregistré" in again and Vote.objects.count() == 1
    # no clear address in the database
    with connection.cursor() as cursor:
        cursor.execute("SELECT address_hash, token_digest FROM awards_vote")
        assert "exemple" not in " ".join(cursor.fetchone())


def test_a_second_vote_of_the_same_address_is_refused(voting, client):
    _edition, mine, theirs = voting
    services.confirm_vote(actor=SYS, token=vote_token(mine, "paul@exemple.fr"))
    answer = client.post(f"/trophees/vote/{vote_token(theirs, 'PAUL@exemple.fr')}/")
    assert answer.status_code == 409
    assert "a déjà voté dans cette catégorie" in unescape(answer.content.decode())
    assert list(Vote.objects.values_list("nomination_id", flat=True)) == [mine.pk]


def test_the_same_address_votes_in_another_category(territory, structure):
    edition = edition_with_nominees(territory, [structure], to="nominations")
    other = services.nominate(
        actor=SYS,
        category=edition.categories.last(),
        structure=StructureFactory(territory=territory),
        initiative="Autre",
    )
    services.transition_edition(actor=SYS, edition=edition, to="voting")
    mine = Nomination.objects.get(structure=structure)
    services.confirm_vote(actor=SYS, token=vote_token(mine, "paul@exemple.fr"))
    services.confirm_vote(actor=SYS, token=vote_token(other, "paul@exemple.fr"))
    assert Vote.objects.count() == 2


def test_a_link_opened_on_another_territorys_host_shows_and_counts_nothing(voting, other_territory):
    _edition, mine, _theirs = voting
    url = f"/trophees/vote/{vote_token(mine, 'paul@exemple.fr')}/"
    elsewhere = Client(HTTP_HOST="autre.testserver")
    for answer in (elsewhere.get(url), elsewhere.post(url)):
        text = unescape(answer.content.decode())
        assert answer.status_code == 400 and "n'est pas valide" in text
        assert mine.structure.name not in text and mine.category.name not in text
    assert not Vote.objects.exists()


def test_a_forged_link_is_refused(voting, client):
    _edition, mine, _theirs = voting
    token = vote_token(mine, "paul@exemple.fr")
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for url in (f"/trophees/vote/{forged}/", "/trophees/vote/n-importe-quoi/"):
        assert client.get(url).status_code == 400
        answer = client.post(url)
        assert answer.status_code == 400 and "Ce lien n'est pas valide" in unescape(answer.content.decode())
    assert not Vote.objects.exists()


def test_an_expired_link_is_refused(voting, client):
    _edition, mine, _theirs = voting
    with time_machine.travel("2026-05-01 10:00", tick=False):
        token = vote_token(mine, "paul@exemple.fr")
    with time_machine.travel("2026-05-04 10:00", tick=False):
        answer = client.post(f"/trophees/vote/{token}/")
        assert answer.status_code == 410 and "Ce lien a expiré" in unescape(answer.content.decode())
        with pytest.raises(TokenExpired):
            services.confirm_vote(actor=SYS, token=token)
    assert not Vote.objects.exists()


def test_no_vote_once_closed(voting, client, django_capture_on_commit_callbacks):
    edition, mine, _theirs = voting
    token = vote_token(mine, "paul@exemple.fr")
    services.transition_edition(actor=SYS, edition=edition, to="closed")
    answer = client.post(f"/trophees/vote/{token}/")
    assert answer.status_code == 409 and "n'est pas ouvert" in unescape(answer.content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/trophees/voter/{mine.pk}/", {"email": "paul@exemple.fr"})
    assert "n'est pas ouvert" in unescape(page.content.decode())
    assert not Vote.objects.exists() and not mail.outbox


def test_the_form_is_rate_limited_per_connection_and_per_address(voting, client, settings):
    _edition, mine, _theirs = voting
    settings.AWARDS_RATE_LIMITS = {"request_ip": 3, "request_address": 2}
    answers = [
        client.post(f"/trophees/voter/{mine.pk}/", {"email": "a@exemple.fr"}).status_code for _ in range(3)
    ]
    assert answers == [200, 200, 429]
    settings.AWARDS_RATE_LIMITS = {"request_ip": 100, "request_address": 2}
    late = client.post(f"/trophees/voter/{mine.pk}/", {"email": "b@exemple.fr"})
    assert late.status_code == 200
    page = client.post(f"/trophees/voter/{mine.pk}/", {"email": "a@exemple.fr"})
    assert page.status_code == 429 and "Trop de demandes pour cette adresse" in unescape(
        page.content.decode()
    )


def test_a_bad_address_gets_a_french_message(voting, client):
    _edition, mine, _theirs = voting
    page = client.post(f"/trophees/voter/{mine.pk}/", {"email": "pas-une-adresse"})
    assert "Saisissez une adresse électronique valide" in unescape(page.content.decode())
    assert not mail.outbox


def test_results_stay_hidden_until_the_close(voting, client, animator):
    edition, mine, _theirs = voting
    services.confirm_vote(actor=SYS, token=vote_token(mine, "paul@exemple.fr"))
    client.force_login(animator)
    page = unescape(client.get("/trophees/gestion/2026/resultats/").content.decode())
    assert "caché" in page and "Votes confirmés : 1" in page
    audit = unescape(client.get("/trophees/gestion/2026/votes/").content.decode())
    assert address_hash("paul@exemple.fr")[:10] in audit and "Vote pour" not in audit
    services.transition_edition(actor=SYS, edition=edition, to="closed")
    audit = unescape(client.get("/trophees/gestion/2026/votes/").content.decode())
    assert "Vote pour" in audit
