"""The agenda in the browser's shoes: pages, registration by e-mail, links in mails, organiser's paperwork."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import time_machine
from django.core.signing import TimestampSigner  # noqa: F401 (documents the token kind)
from django.utils import timezone

from maillage.core.models import PersonalDataAccess
from maillage.core.registry import registry
from maillage.core.tokens import make_token
from maillage.events import services
from maillage.events.models import Event, Registration, Status
from tests.events.factories import EventFactory, RegistrationFactory, paris
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db


def _link(mail, fragment: str) -> str:
    url = re.search(
        r"https://ess\.paysdegrasse\.test(/agenda/inscription/" + fragment + r"/[^\s\"]+/)", mail.body
    )
    assert url, mail.body
    return url.group(1)


def test_agenda_lists_what_each_person_may_see(client, territory, member):
    EventFactory(territory=territory, title="Titre-public")
    EventFactory(territory=territory, title="Titre-membres", visibility="members")
    EventFactory(territory=territory, title="Titre-brouillon", status=Status.DRAFT)
    EventFactory(territory=territory, title="Titre-ancien", start=timezone.now() - dt.timedelta(days=3))
    page = client.get("/agenda/").content.decode()
    assert "Titre-public" in page
    assert "Titre-membres" not in page and "Titre-brouillon" not in page and "Titre-ancien" not in page
    assert "Titre-ancien" in client.get("/agenda/?periode=passes").content.decode()
    client.force_login(member)
    assert "Titre-membres" in client.get("/agenda/").content.decode()


def test_the_kind_filter_keeps_the_acronym(client, territory):
    page = client.get("/agenda/").content.decode()
    assert "Rendez-vous de l&#x27;ESS" in page or "Rendez-vous de l'ESS" in page
    assert "l&#x27;ess" not in page and "l'ess" not in page


def test_filters_and_month_view(client, territory):
    EventFactory(territory=territory, title="Visite", kind="rendez_vous", start=paris(2026, 6, 5, 18, 0))
    EventFactory(territory=territory, title="Atelier", kind="reunion_atelier", start=paris(2026, 6, 12, 9, 0))
    with time_machine.travel(paris(2026, 6, 1, 8, 0), tick=False):
        page = client.get("/agenda/?kind=reunion_atelier").content.decode()
        assert "Atelier" in page and "Visite" not in page
        month = client.get("/agenda/mois/?mois=2026-06").content.decode()
    assert "Visite" in month and "Atelier" in month and "juin 2026" in month
    assert client.get("/agenda/mois/?mois=n'importe-quoi").status_code == 200


def test_the_host_filter_offers_only_structures_that_host_an_event(client, territory, other_territory):
    """Not the whole directory (#22: 20,000 options made the agenda a 1.2 MB page): hosts of the territory's
    events, published, in both the list and the month view."""
    host = StructureFactory(territory=territory, name="Scop Hôtesse", slug="scop-hotesse")
    EventFactory(territory=territory, title="Visite").hosts.add(host)
    StructureFactory(territory=territory, name="Asso Sans Rendez-vous", slug="asso-sans-rdv")
    elsewhere = StructureFactory(territory=other_territory, name="Ailleurs", slug="ailleurs")
    EventFactory(territory=other_territory).hosts.add(elsewhere)
    for url in ("/agenda/", "/agenda/mois/"):
        page = client.get(url).content.decode()
        options = page[page.index('<select id="id_structure"') :]
        options = options[: options.index("</select>")]
        assert 'value="scop-hotesse"' in options
        assert "asso-sans-rdv" not in options and "ailleurs" not in options
    assert "Visite" in client.get("/agenda/?structure=scop-hotesse").content.decode()


def test_event_page_has_escaped_schema_org_json_ld(client, territory, structure):
    event = EventFactory(
        territory=territory, title="Visite </script><script>alert(1)</script>", address="1 rue & co"
    )
    event.hosts.add(structure)
    page = client.get(f"/agenda/{event.slug}/").content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert "</script>" not in block and "<script>" not in block
    data = json.loads(block)
    assert data["@type"] == "Event" and data["name"].startswith("Visite </script>")
    assert data["startDate"] == event.start.isoformat()
    assert data["location"]["address"]["streetAddress"] == "1 rue & co"
    assert data["organizer"] == [{"@type": "Organization", "name": structure.name}]
    assert f"/agenda/{event.slug}/agenda.ics" in page


def test_register_by_email_then_confirm_with_a_post(client, territory, mailoutbox, on_commit):
    event = EventFactory(territory=territory, capacity=5)
    form = client.get(f"/agenda/{event.slug}/inscription/").content.decode()
    assert "Vos données" in form and "supprimées trois ans après" in form  # who sees the data, how long
    with on_commit():
        response = client.post(
            f"/agenda/{event.slug}/inscription/", {"name": "Anne Durand", "email": "anne@example.org"}
        )
    assert "Vérifiez votre messagerie" in response.content.decode()
    url = _link(mailoutbox[0], "confirmer")
    # a mail scanner following the link changes nothing
    for _ in range(3):
        assert client.get(url).status_code == 200
    assert Registration.objects.get().state == "pending"
    with on_commit():
        done = client.post(url)
    assert done.status_code == 200
    assert Registration.objects.get().state == "registered"
    assert "Inscription confirmée" in mailoutbox[-1].subject
    # the link is single-use
    assert client.post(url).status_code == 410
    assert Registration.objects.count() == 1


def test_an_expired_confirmation_link_changes_nothing(client, territory, mailoutbox, on_commit):
    event = EventFactory(territory=territory, start=timezone.now() + dt.timedelta(days=10))
    with on_commit():
        client.post(f"/agenda/{event.slug}/inscription/", {"name": "Anne", "email": "anne@example.org"})
    url = _link(mailoutbox[0], "confirmer")
    with time_machine.travel(timezone.now() + services.CONFIRM_MAX_AGE + dt.timedelta(hours=1)):
        response = client.post(url)
    assert response.status_code == 410 and "expiré" in response.content.decode()
    assert Registration.objects.get().state == "pending"


def test_the_registration_page_answers_the_same_for_known_and_unknown_addresses(
    client, territory, mailoutbox
):
    event = EventFactory(territory=territory)
    RegistrationFactory(event=event, email="known@example.org")

    def page(email: str) -> str:
        html = client.post(
            f"/agenda/{event.slug}/inscription/", {"name": "X", "email": email}
        ).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert page("known@example.org") == page("unknown@example.org")


def test_anonymous_registration_is_rate_limited(client, territory):
    event = EventFactory(territory=territory)
    statuses = [
        client.post(
            f"/agenda/{event.slug}/inscription/", {"name": "X", "email": "same@example.org"}
        ).status_code
        for _ in range(5)
    ]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    assert (
        "Trop de demandes"
        in client.post(
            f"/agenda/{event.slug}/inscription/", {"name": "X", "email": "same@example.org"}
        ).content.decode()
    )


def test_registering_to_a_cancelled_event_says_so(client, territory, member):
    event = EventFactory(territory=territory, status=Status.CANCELLED)
    client.force_login(member)
    response = client.post(f"/agenda/{event.slug}/inscription/", {})
    assert response.status_code == 400
    assert "Ce rendez-vous est annulé" in response.content.decode()
    assert not Registration.objects.exists()


def test_registering_to_a_past_event_says_so(client, territory, member):
    event = EventFactory(territory=territory, start=timezone.now() - dt.timedelta(hours=3))
    client.force_login(member)
    response = client.post(f"/agenda/{event.slug}/inscription/", {"structure_name": ""})
    assert response.status_code == 400
    assert "déjà commencé ou est passé" in response.content.decode()
    assert not Registration.objects.exists()


def test_a_confirmation_link_of_a_cancelled_event_changes_nothing(
    client, territory, animator, mailoutbox, on_commit
):
    event = EventFactory(territory=territory)
    with on_commit():
        client.post(f"/agenda/{event.slug}/inscription/", {"name": "Anne", "email": "anne@example.org"})
    url = _link(mailoutbox[0], "confirmer")
    with on_commit():
        services.change_status(actor=animator, event=event, to=Status.CANCELLED)
    for _ in range(2):  # the token is not spent by a refusal: the same answer twice
        response = client.post(url)
        assert response.status_code == 400 and "annulé" in response.content.decode()
    assert Registration.objects.get().state == "pending"


def test_account_registration_and_waitlist_position(client, territory, member, manager_other):
    event = EventFactory(territory=territory, capacity=1)
    client.force_login(member)
    response = client.post(f"/agenda/{event.slug}/inscription/", {"structure_name": ""}, follow=True)
    assert "Votre inscription est confirmée" in response.content.decode()
    page = client.get(f"/agenda/{event.slug}/").content.decode()
    assert "Vous êtes inscrit" in page and "<svg" in page  # check-in code as a QR code
    client.force_login(manager_other)
    client.post(f"/agenda/{event.slug}/inscription/", {})
    assert "liste d'attente (position 1)" in client.get(f"/agenda/{event.slug}/").content.decode()


def test_cancel_link_shows_a_page_then_cancels_on_post_and_promotes(client, territory, mailoutbox, on_commit):
    event = EventFactory(territory=territory, capacity=1)
    seated = RegistrationFactory(event=event, email="a@example.org", sequence=1)
    RegistrationFactory(event=event, email="w@example.org", state="waitlisted", sequence=2)
    url = f"/agenda/inscription/annuler/{make_token(services.CANCEL_PURPOSE, {'r': seated.pk})}/"
    assert "Annuler mon inscription" in client.get(url).content.decode()
    assert Registration.objects.get(pk=seated.pk).state == "registered"
    with on_commit():
        assert client.post(url).status_code == 200
    assert Registration.objects.get(pk=seated.pk).state == "cancelled"
    assert Registration.objects.get(email="w@example.org").state == "registered"
    assert [m.to for m in mailoutbox] == [["w@example.org"]]
    assert client.get("/agenda/inscription/annuler/pas-un-jeton/").status_code == 400


def test_export_is_formula_safe_and_logged(client, territory, animator):
    event = EventFactory(territory=territory)
    RegistrationFactory(event=event, name='=HYPERLINK("x")', email="a@example.org")
    client.force_login(animator)
    response = client.get(f"/agenda/{event.slug}/inscrits/?format=csv")
    assert response.status_code == 200
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")
    log = PersonalDataAccess.objects.get()
    assert log.actor == animator and log.row_count == 1


def test_pdfs_signin_sheet_attestation_programme(client, territory, animator):
    event = EventFactory(territory=territory, title="Formation coopérative")
    present = RegistrationFactory(event=event, name="Zoé Martin", attended=True)
    absent = RegistrationFactory(event=event, name="Absent")
    client.force_login(animator)
    sheet = client.get(f"/agenda/{event.slug}/emargement.pdf")
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF")
    assert sheet["Content-Disposition"].startswith("attachment")
    assert client.get(f"/agenda/{event.slug}/attestation/{present.pk}.pdf").content.startswith(b"%PDF")
    assert client.get(f"/agenda/{event.slug}/attestation/{absent.pk}.pdf").status_code == 404
    assert client.get("/agenda/programme.pdf").content.startswith(b"%PDF")


def test_check_in_page_under_a_time_limited_token(client, territory):
    event = EventFactory(territory=territory)
    reg = RegistrationFactory(event=event, name="Zoé Martin")
    RegistrationFactory(event=event, name="Paul Durand")
    token = make_token("events.checkin", {"e": event.pk})
    url = f"/agenda/emargement/{token}/"
    page = client.get(url + "?q=zoé").content.decode()
    assert "Zoé Martin" in page and "Paul Durand" not in page
    client.post(url, {"code": reg.checkin_code.lower()})
    assert Registration.objects.get(pk=reg.pk).attended
    assert "Aucune inscription" in client.post(url, {"code": "ZZZZZZ"}).content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(days=3)):
        assert client.get(url).status_code == 410


def test_organiser_pages_are_for_hosts_and_animators(client, territory, manager, member, structure):
    event = EventFactory(territory=territory)
    event.hosts.add(structure)
    client.force_login(member)
    assert client.get(f"/agenda/{event.slug}/gestion/").status_code == 403
    client.force_login(manager)  # manages the host structure
    assert client.get(f"/agenda/{event.slug}/gestion/").status_code == 200


def test_report_and_closing(client, territory, animator):
    event = EventFactory(territory=territory, start=timezone.now() - dt.timedelta(days=2))
    RegistrationFactory(event=event, structure_name="Scop A", attended=True)
    client.force_login(animator)
    page = client.get(f"/agenda/{event.slug}/compte-rendu/").content.decode()
    assert "Scop A (1)" in page
    client.post(
        f"/agenda/{event.slug}/compte-rendu/",
        {"action": "report", "report": "Très **riche**.", "publish": "on"},
    )
    client.logout()
    detail = client.get(f"/agenda/{event.slug}/").content.decode()
    assert "<strong>riche</strong>" in detail and "1</strong> participant" in detail


def test_status_page_cancels(client, territory, animator):
    event = EventFactory(territory=territory)
    client.force_login(animator)
    client.post(f"/agenda/{event.slug}/statut/", {"to": "cancelled"})
    assert Event.objects.get(pk=event.pk).status == "cancelled"
    assert client.post(f"/agenda/{event.slug}/statut/", {"to": "published"}).status_code == 400


def test_animator_creates_an_event_and_a_series(client, territory, animator):
    client.force_login(animator)
    response = client.post(
        "/agenda/nouveau/",
        {
            "title": "Plénière",
            "kind": "pleniere",
            "start": "2030-06-07T18:00",
            "end": "2030-06-07T17:00",
            "mode": "in_person",
            "venue": "Salle",
            "visibility": "public",
        },
    )
    assert "La fin doit être après le début" in response.content.decode()
    assert not Event.objects.exists()
    client.post(
        "/agenda/nouveau/",
        {
            "title": "Plénière",
            "kind": "pleniere",
            "start": "2030-06-07T18:00",
            "end": "2030-06-07T20:00",
            "mode": "in_person",
            "venue": "Salle",
            "visibility": "public",
            "publish": "1",
        },
    )
    event = Event.objects.get()
    assert event.status == "published" and event.start == paris(2030, 6, 7, 18, 0)
    empty = client.post(
        "/agenda/nouvelle-serie/",
        {
            "title": "RDV",
            "kind": "rendez_vous",
            "custom_rule": "FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2",
            "first_date": "2030-01-03",
            "start_time": "18:00",
            "duration_minutes": 120,
            "mode": "in_person",
            "venue": "Salle",
            "visibility": "public",
        },
    )
    assert "aucune date" in empty.content.decode()
    with time_machine.travel(paris(2029, 12, 1, 9, 0)):
        client.force_login(animator)
        client.post(
            "/agenda/nouvelle-serie/",
            {
                "title": "RDV",
                "kind": "rendez_vous",
                "preset": "FREQ=MONTHLY;BYDAY=1FR",
                "first_date": "2030-01-01",
                "start_time": "18:00",
                "duration_minutes": 120,
                "mode": "in_person",
                "venue": "Salle",
                "visibility": "public",
                "count": 3,
            },
        )
    dates = [e.start for e in Event.objects.filter(series__isnull=False).order_by("start")]
    assert dates == [paris(2030, 1, 4, 18, 0), paris(2030, 2, 1, 18, 0), paris(2030, 3, 1, 18, 0)]


def test_home_page_shows_the_next_rendez_vous(client, territory):
    EventFactory(territory=territory, title="Prochain rendez-vous public")
    page = client.get("/").content.decode()
    assert "Prochains rendez-vous" in page and "Prochain rendez-vous public" in page


def test_metrics_through_the_registry(territory):
    now = timezone.now()
    held = EventFactory(territory=territory, kind="rendez_vous", start=now - dt.timedelta(days=10))
    EventFactory(territory=territory, kind="rendez_vous", start=now + dt.timedelta(days=10))
    EventFactory(
        territory=territory, kind="rendez_vous", start=now - dt.timedelta(days=5), status=Status.CANCELLED
    )
    RegistrationFactory(event=held, attended=True)
    RegistrationFactory(event=held, attended=False)
    start, end = (now - dt.timedelta(days=30)).date(), now.date()
    assert registry.metric("events.rendezvous_held").compute(territory, start, end) == 1
    assert registry.metric("events.attendance").compute(territory, start, end) == 1


def test_campaign_proposal_and_validation(client, territory, manager, animator, structure):
    campaign = services.create_campaign(
        actor=animator,
        territory=territory,
        title="Mois de l'ESS 2030",
        starts_on=dt.date(2030, 11, 1),
        ends_on=dt.date(2030, 11, 30),
    )
    client.force_login(manager)
    client.post(
        f"/agenda/campagnes/{campaign.slug}/proposer/",
        {
            "title": "Portes ouvertes",
            "kind": "campagne",
            "start": "2030-11-07T14:00",
            "end": "2030-11-07T17:00",
            "mode": "in_person",
            "venue": "Atelier",
            "visibility": "public",
            "hosts": [structure.pk],
        },
    )
    proposal = Event.objects.get()
    assert proposal.status == "draft" and proposal.campaign == campaign and not proposal.campaign_validated
    assert "Portes ouvertes" not in client.get(f"/agenda/campagnes/{campaign.slug}/").content.decode()
    client.force_login(animator)
    client.post(f"/agenda/{proposal.slug}/valider/", {"accept": "1"})
    client.logout()
    assert "Portes ouvertes" in client.get(f"/agenda/campagnes/{campaign.slug}/").content.decode()


def test_api_serves_public_events_only(client, territory, structure):
    public = EventFactory(territory=territory, title="Public", kind="rendez_vous")
    public.hosts.add(structure)
    EventFactory(territory=territory, title="Membres", visibility="members")
    EventFactory(territory=territory, title="Brouillon", status=Status.DRAFT)
    RegistrationFactory(event=public, email="secret@example.org")
    data = client.get("/api/v1/agenda").json()
    assert [e["title"] for e in data] == ["Public"]
    assert data[0]["hosts"] == [structure.name]
    detail = client.get(f"/api/v1/agenda/{public.slug}")
    assert detail.json()["seats_left"] == 29 and "secret@example.org" not in detail.content.decode()
    assert client.get("/api/v1/agenda?kind=formation").json() == []
