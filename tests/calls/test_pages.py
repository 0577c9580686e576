"""Pages of the calls: the deliberation warns when the envelope is exceeded and refuses to record it; a
payment above the grant is refused on the page; personal data are exported and erased."""

from __future__ import annotations

from html import unescape

import pytest

from maillage.calls import services
from maillage.calls.models import Grant, Juror, Payment, SpecComment
from maillage.calls.services import privacy
from tests.calls.factories import SYS, close_and_check, eligible, open_call, seat
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(territory, structure):
    call = open_call(territory, envelope=9000)
    a = eligible(call, structure, title="Atelier vélo", amount=6000)
    b = eligible(call, StructureFactory(territory=territory), title="Épicerie", amount=5000)
    return close_and_check(call, a, b), a, b


def test_the_deliberation_page_warns_and_refuses_above_the_envelope(closed, client, animator):
    call, a, b = closed
    client.force_login(animator)
    url = "/appels-a-projets/gestion/2026/deliberation/"
    data = {f"amount_{a.pk}": "6000", f"amount_{b.pk}": "5000", "minutes": "PV"}
    preview = unescape(client.post(url, {**data, "action": "preview"}).content.decode())
    assert "Attention : le total (11 000 €) dépasse l'enveloppe (9 000 €) de 2 000 €." in preview
    refused = unescape(client.post(url, {**data, "action": "decide"}).content.decode())
    assert "Le total attribué (11 000 €) dépasse l'enveloppe de l'appel (9 000 €)" in refused
    assert not Grant.objects.exists()
    response = client.post(url, {**data, f"amount_{b.pk}": "3000", "action": "decide"})
    assert response.status_code == 302 and Grant.objects.count() == 2


def test_once_decided_the_deliberation_page_shows_the_ranking_and_the_amounts(
    closed, client, animator, manager_other
):
    call, a, b = closed
    juror = seat(call, manager_other)
    for app, mark in ((a, 8), (b, 5)):
        scores = {c.pk: (mark, "") for c in call.criteria.all()}
        services.score_application(actor=manager_other, juror=juror, application=app, scores=scores)
    services.deliberate(actor=SYS, call=call, amounts={a.pk: 6000}, minutes="Le jury retient l'atelier.")
    client.force_login(animator)
    page = unescape(client.get("/appels-a-projets/gestion/2026/deliberation/").content.decode())
    assert "<strong>6 000 €</strong> attribués sur une enveloppe de 9 000 €" in page
    assert (
        "<td>Atelier vélo — La Ressourcerie du Pays de Grasse</td><td>lauréate</td>"
        "<td>6 000 €</td><td>8,00</td>" in page
    )
    assert "Le jury retient l'atelier." in page


def test_a_payment_above_the_grant_is_refused_on_the_page(closed, client, animator):
    call, a, _b = closed
    grant = services.deliberate(actor=SYS, call=call, amounts={a.pk: 6000}, minutes="PV")[0]
    client.force_login(animator)
    page = client.post(
        f"/appels-a-projets/gestion/subventions/{grant.pk}/",
        {"action": "pay", "amount": "7000", "paid_on": "2026-06-01"},
    )
    assert "au-delà de la subvention (6 000 €)" in unescape(page.content.decode())
    assert not Payment.objects.exists()


def test_a_comment_on_an_open_specification_and_not_on_an_adopted_one(territory, member, client):
    call = open_call(territory)
    client.force_login(member)
    [adopted] = call.specifications.get().articles.all()
    page = client.post(
        "/appels-a-projets/2026/cahier-des-charges/",
        {"article": adopted.pk, f"article-{adopted.pk}-body": "Bravo"},
    )
    assert "La version 1 n'est pas ouverte aux commentaires" in unescape(page.content.decode())
    assert not SpecComment.objects.exists()
    spec = services.start_specification(actor=SYS, call=call)
    article = spec.articles.get()  # the adopted version's article, copied
    services.transition_specification(actor=SYS, specification=spec, to="open")
    page = client.post(
        "/appels-a-projets/2026/cahier-des-charges/",
        {"article": article.pk, f"article-{article.pk}-body": "Bravo"},
    )
    assert page.status_code == 302 and page["Location"].endswith(f"#article-{article.pk}")
    assert SpecComment.objects.get().article == article
    services.transition_specification(actor=SYS, specification=spec, to="adopted")
    assert [s.status for s in call.specifications.order_by("number")] == ["superseded", "adopted"]


def test_personal_data_export_and_erasure(closed, member, territory):
    call, *_ = closed
    juror = seat(call, member, "Camille Jurée")
    spec = services.start_specification(actor=SYS, call=call)
    services.transition_specification(actor=SYS, specification=spec, to="open")
    services.comment_spec_article(actor=member, article=spec.articles.get(), body="Mon avis")
    exported = privacy.export_person(member)
    assert exported["jurys_d_appels_a_projets"][0]["adresse"] == member.email
    privacy.erase_person(member)
    juror = Juror.objects.get(pk=juror.pk)
    assert juror.name == "Personne effacée" and member.email not in juror.email and juror.user is None
    assert SpecComment.objects.get().author is None
    assert not juror.transitions.filter(actor=member).exists()
