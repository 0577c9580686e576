"""The pages: the list with filters and search, the map's table, a need's page, reporting (member, citizen,
rate limits), the confirmation link (GET shows, POST acts, a forged link refused), supports, the animation's
moves and merges."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from maillage.needs import services
from maillage.needs.models import Need, NeedStatus, Support
from maillage.needs.views.public import RATE_PER_ADDRESS, RATE_PER_IP
from tests.conftest import with_totp
from tests.needs.factories import category, commune, need

pytestmark = pytest.mark.django_db


def _report_data(territory, **extra):
    data = {
        "title": "Pas de bus le dimanche",
        "description": "Les familles ne peuvent pas aller à l'hôpital.",
        "category": category(territory).pk,
        "communes": [c.pk for c in territory.communes.all()],
        "anonymous": "on",
    }
    data.update(extra)
    return data


def test_list_filters_and_search(client, territory, member):
    mouans = commune(territory)
    bus = need(territory, actor=member, title="Pas de bus le dimanche")
    need(
        territory,
        actor=member,
        title="Logement des saisonniers",
        slug="logement",
        communes=[mouans],
        description="Les saisonniers dorment dans leur voiture.",
    )
    page = client.get("/besoins/?q=saisonniers").content.decode()
    assert "Logement des saisonniers" in page and "Pas de bus" not in page
    page = client.get("/besoins/?commune=06069").content.decode()
    assert "Pas de bus" in page and "Logement des saisonniers" not in page
    page = client.get("/besoins/?categorie=logement&statut=reported").content.decode()
    assert "Logement des saisonniers" in page and "Pas de bus" not in page
    assert "1 besoin." in page
    detail = client.get(f"/besoins/{bus.pk}/").content.decode()
    assert "Historique et réponses" in detail and "Besoin signalé." in detail


def test_map_table_counts_per_commune(client, territory, member, animator):
    mouans = commune(territory)
    grasse = territory.communes.get(insee_code="06069")
    need(territory, actor=member, title="A", communes=[grasse, mouans])
    closed = need(territory, actor=member, title="B", communes=[grasse])
    services.move_need(actor=animator, need=closed, to_status="out_of_scope", answer="Hors champ.")
    page = client.get("/besoins/carte/").content.decode()
    rows = re.findall(
        r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)</td>', page
    )
    assert rows == [("Grasse", "1", "2"), ("Mouans-Sartoux", "1", "1")]
    assert '"needs-commune-counts"' in page


def test_unconfirmed_needs_are_hidden(client, territory):
    pending = services.request_need(
        actor=services.reporting.visitor("formulaire public"),
        territory=territory,
        email="a@example.test",
        title="Secret",
        description="D",
        category=category(territory),
        communes=list(territory.communes.all()),
    )
    assert client.get(f"/besoins/{pending.pk}/").status_code == 404
    assert "Secret" not in client.get("/besoins/").content.decode()


def test_a_member_reports_from_the_form(client, territory, member):
    client.force_login(member)
    response = client.post("/besoins/signaler/", _report_data(territory))
    created = Need.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/besoins/{created.pk}/"
    assert created.reporter == member and created.status == NeedStatus.REPORTED


def test_the_form_shows_french_errors_and_writes_nothing(client, territory, member):
    client.force_login(member)
    page = client.post(
        "/besoins/signaler/", _report_data(territory, description="", communes=[])
    ).content.decode()
    assert "La description du besoin est obligatoire." in page
    assert "Indiquez au moins une commune concernée, ou un point sur la carte." in page
    assert not Need.objects.exists()


def test_citizen_reports_and_confirms_by_the_link(client, territory, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            "/besoins/signaler/", _report_data(territory, email="lea@example.test")
        ).content.decode()
    assert "Vérifiez votre messagerie" in page
    link = re.search(r"https?://\S+/besoins/confirmer/\S+/", mail.outbox[0].body).group(0)
    path = link.split("paysdegrasse.test", 1)[1]
    assert client.get(path).status_code == 200
    assert Need.objects.get().status == NeedStatus.UNCONFIRMED  # a GET changes nothing
    response = client.post(path)
    created = Need.objects.get()
    assert response.status_code == 302 and created.status == NeedStatus.REPORTED
    assert client.post(path).status_code == 410  # spent
    assert client.get(path[:-5] + "xxxx/").status_code == 400  # forged


def test_citizen_flood_is_rate_limited_per_ip_and_per_address(client, territory):
    for i in range(RATE_PER_ADDRESS):
        client.post("/besoins/signaler/", _report_data(territory, email="same@example.test", title=f"T{i}"))
    response = client.post(
        "/besoins/signaler/", _report_data(territory, email="same@example.test", title="X")
    )
    assert response.status_code == 429 and "Trop de demandes pour cette adresse" in response.content.decode()
    for i in range(RATE_PER_IP - RATE_PER_ADDRESS - 1):
        client.post("/besoins/signaler/", _report_data(territory, email=f"o{i}@example.test"))
    response = client.post("/besoins/signaler/", _report_data(territory, email="new@example.test"))
    assert (
        response.status_code == 429
        and "Trop de signalements depuis votre connexion" in response.content.decode()
    )
    assert Need.objects.count() == RATE_PER_ADDRESS + (RATE_PER_IP - RATE_PER_ADDRESS - 1)


def test_a_member_supports_once_from_the_page(client, territory, member, manager_other):
    n = need(territory, actor=member)
    client.force_login(manager_other)
    response = client.post(f"/besoins/{n.pk}/soutenir/", {"testimony": "Moi aussi."})
    assert response.status_code == 302
    page = client.get(f"/besoins/{n.pk}/").content.decode()
    assert "<strong>1</strong> personne rencontre aussi ce besoin" in page and "Moi aussi." in page
    again = client.post(f"/besoins/{n.pk}/soutenir/", {"testimony": ""})
    assert again.status_code == 400 and "Vous soutenez déjà ce besoin" in again.content.decode()
    assert Support.objects.count() == 1


def test_the_animator_qualifies_and_merges_from_the_pages(client, territory, member, animator):
    with_totp(animator)
    a = need(territory, actor=member, title="Bus du dimanche")
    b = need(territory, actor=member, title="Pas de bus le dimanche")
    client.force_login(animator)
    bad = client.post(f"/besoins/{b.pk}/statut/", {"to_status": "qualified", "answer": "ok", "synthesis": ""})
    assert "Écrivez la synthèse de qualification" in bad.content.decode()
    ok = client.post(
        f"/besoins/{b.pk}/statut/",
        {"to_status": "qualified", "answer": "Retenu.", "synthesis": "Les familles."},
    )
    assert ok.status_code == 302
    itself = client.post(f"/besoins/{a.pk}/fusionner/", {"into": a.pk, "answer": "x"})
    assert "Un besoin ne peut pas être fusionné avec lui-même." in itself.content.decode()
    merged = client.post(f"/besoins/{a.pk}/fusionner/", {"into": b.pk, "answer": "Même besoin."})
    assert merged.status_code == 302
    a.refresh_from_db()
    assert a.status == "duplicate"
    page = client.get(f"/besoins/{a.pk}/").content.decode()
    assert "Ce besoin a été fusionné dans" in page


def test_the_registry_is_wired(territory, member, animator):
    import datetime as dt

    from maillage.core.registry import registry

    n = need(territory, actor=member)
    services.move_need(actor=animator, need=n, to_status="qualified", answer="ok", synthesis="s")
    today = dt.date.today()
    assert registry.metric("needs_reported").compute(territory, today, today) == 1
    assert registry.metric("needs_qualified").compute(territory, today, today) == 1
    assert registry.metric("needs_met").compute(territory, today, today) == 0
    assert registry.metric("needs_reported_mobilite").compute(territory, today, today) == 1
    assert registry.metric("needs_reported_logement").compute(territory, today, today) == 0
    target = registry.link_targets["need"]
    assert [pk for pk, _ in target.choices(territory)] == [n.pk] and target.url(n) == f"/besoins/{n.pk}/"
    block = registry.content_providers["needs_latest"].build(
        territory=territory, since=dt.datetime.now(dt.UTC) - dt.timedelta(days=1), options={}
    )
    assert n.title in block.text and "qualifié" in block.html
