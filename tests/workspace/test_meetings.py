"""Meetings of an atelier (agenda events of kind « réunion d'atelier ») and their minutes; the plan nodes
that link to the atelier."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.core.actors import SYSTEM
from maillage.core.registry import registry
from maillage.events.models import Event
from maillage.plan import services as plan_services
from maillage.workspace import demo as workspace_demo
from maillage.workspace import services
from maillage.workspace.models import AtelierMeeting
from tests.events.factories import EventFactory
from tests.factories import UserFactory
from tests.plan.factories import make_tree, make_version
from tests.workspace.factories import AtelierFactory, AtelierMemberFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def atelier(territory, member, manager):
    atelier = AtelierFactory(territory=territory, name="Achats responsables", slug="achats-responsables")
    AtelierMemberFactory(atelier=atelier, user=manager, role="coordinator")
    AtelierMemberFactory(atelier=atelier, user=member)
    return atelier


def _meeting_form(**overrides: str) -> dict[str, str]:
    data = {
        "action": "create",
        "new-title": "Réunion de décembre",
        "new-start": "2026-12-03T09:30",
        "new-end": "2026-12-03T11:30",
        "new-venue": "Maison de l'ESS",
        "new-online_url": "",
        "new-capacity": "",
    }
    data.update(overrides)
    return data


@time_machine.travel(NOW, tick=False)
def test_a_coordinator_announces_a_meeting(client, atelier, manager, member):
    client.force_login(manager)
    response = client.post(f"/ateliers/{atelier.slug}/reunions/", _meeting_form())
    assert response.status_code == 302
    meeting = AtelierMeeting.objects.get()
    event = meeting.event
    assert (event.kind, event.status, event.territory_id) == (
        "reunion_atelier",
        "published",
        atelier.territory_id,
    )
    assert timezone.localtime(event.start).strftime("%Y-%m-%d %H:%M") == "2026-12-03 09:30"  # Paris time
    assert event.mode == "in_person" and event.capacity is None
    # Everyone sees the upcoming meeting with a link to the event page (registration there).
    client.logout()
    html = client.get(f"/ateliers/{atelier.slug}/").content.decode()
    assert f'href="/agenda/{event.slug}/"' in html
    assert "jeudi 3 décembre 2026" in html and "9h30" in html


@time_machine.travel(NOW, tick=False)
def test_bad_meeting_input_changes_nothing(client, atelier, manager):
    client.force_login(manager)
    for overrides in (
        {"new-end": "2026-12-03T08:00"},  # ends before it starts
        {"new-venue": ""},  # neither place nor link
        {"new-capacity": "0"},
        {"new-title": ""},
    ):
        response = client.post(f"/ateliers/{atelier.slug}/reunions/", _meeting_form(**overrides))
        assert response.status_code == 200, overrides
        assert "error-summary" in response.content.decode()
    assert not Event.objects.exists() and not AtelierMeeting.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_only_coordination_and_animators_announce(client, atelier, member, animator):
    client.force_login(member)
    assert client.get(f"/ateliers/{atelier.slug}/reunions/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.create_meeting(
            actor=member, atelier=atelier, title="x", start=NOW, end=NOW + dt.timedelta(hours=1), venue="Ici"
        )
    client.force_login(animator)  # not a member, but animates the territory
    response = client.post(
        f"/ateliers/{atelier.slug}/reunions/",
        _meeting_form(**{"new-venue": "", "new-online_url": "https://visio.example/a"}),
    )
    assert response.status_code == 302
    assert AtelierMeeting.objects.get().event.mode == "online"


@time_machine.travel(NOW, tick=False)
def test_link_an_existing_event_once(client, atelier, manager, territory, other_territory):
    event = EventFactory(territory=territory, title="Réunion déjà prévue")
    foreign = EventFactory(territory=other_territory)
    client.force_login(manager)
    page = client.get(f"/ateliers/{atelier.slug}/reunions/").content.decode()
    assert "Réunion déjà prévue" in page and foreign.title not in page
    response = client.post(f"/ateliers/{atelier.slug}/reunions/", {"action": "link", "link-event": event.pk})
    assert response.status_code == 302
    assert AtelierMeeting.objects.get().event == event
    assert services.link_meeting(actor=manager, atelier=atelier, event=event).event == event  # again: same
    other = AtelierFactory(territory=territory)
    with pytest.raises(ValidationError):  # one event belongs to at most one atelier
        services.link_meeting(actor=_coordinator_of(other), atelier=other, event=event)
    with pytest.raises(ValidationError):
        services.link_meeting(actor=manager, atelier=atelier, event=foreign)
    # A foreign event id posted to the form: refused, nothing linked.
    response = client.post(
        f"/ateliers/{atelier.slug}/reunions/", {"action": "link", "link-event": foreign.pk}
    )
    assert response.status_code == 200 and AtelierMeeting.objects.count() == 1


def _coordinator_of(atelier):
    user = UserFactory()
    AtelierMemberFactory(atelier=atelier, user=user, role="coordinator")
    return user


def _past_meeting(atelier, actor):
    start = NOW - dt.timedelta(days=10)
    return services.create_meeting(
        actor=actor,
        atelier=atelier,
        title="Réunion d'octobre",
        start=start,
        end=start + dt.timedelta(hours=2),
        venue="Mairie",
    )


@time_machine.travel(NOW, tick=False)
def test_minutes_written_edited_with_history_and_shown_to_members_only(
    client, atelier, manager, member, manager_other
):
    meeting = _past_meeting(atelier, manager)
    url = f"/ateliers/reunions/{meeting.pk}/compte-rendu/"
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(manager)
    empty = client.post(url, {"minutes": ""})
    assert empty.status_code == 200 and "error-summary" in empty.content.decode()
    client.post(url, {"minutes": "**Décisions** : une fiche pratique.<script>alert(1)</script>"})
    client.post(url, {"minutes": "**Décisions** : deux fiches pratiques."})
    meeting.refresh_from_db()
    assert meeting.minutes_author == manager and meeting.minutes_updated_at == NOW
    assert "<strong>Décisions</strong>" in meeting.minutes_html and "<script" not in meeting.minutes_html
    texts = [h.minutes for h in meeting.history.order_by("history_date", "history_id")]
    assert texts[-2:] == [
        "**Décisions** : une fiche pratique.<script>alert(1)</script>",
        "**Décisions** : deux fiches pratiques.",
    ]
    assert "une fiche pratique" in client.get(url).content.decode()  # former version listed
    client.force_login(member)
    html = client.get(f"/ateliers/{atelier.slug}/").content.decode()
    assert "deux fiches pratiques" in html and "Réunion d&#x27;octobre" in html
    assert "Modifier le compte rendu" not in html
    client.force_login(manager_other)  # not a member: the meeting, not its minutes
    html = client.get(f"/ateliers/{atelier.slug}/").content.decode()
    assert "Réunion d&#x27;octobre" in html and "deux fiches pratiques" not in html


@time_machine.travel(NOW, tick=False)
def test_no_minutes_before_the_meeting(atelier, manager):
    start = NOW + dt.timedelta(days=3)
    meeting = services.create_meeting(
        actor=manager,
        atelier=atelier,
        title="Bientôt",
        start=start,
        end=start + dt.timedelta(hours=1),
        venue="Ici",
    )
    with pytest.raises(ValidationError):
        services.save_minutes(actor=manager, meeting=meeting, minutes="Trop tôt")


@time_machine.travel(NOW, tick=False)
def test_personal_data_minutes_author(atelier, manager):
    meeting = _past_meeting(atelier, manager)
    services.save_minutes(actor=manager, meeting=meeting, minutes="Compte rendu")
    hook = registry.personal_data["workspace"]
    exported = hook.export(manager)
    assert exported["comptes_rendus_de_reunion"][0]["texte"] == "Compte rendu"
    hook.erase(manager)
    meeting.refresh_from_db()
    assert meeting.minutes == "Compte rendu" and meeting.minutes_author is None
    assert not meeting.history.filter(minutes_author=manager).exists()
    assert not meeting.history.filter(history_user=manager).exists()


def test_the_page_lists_linked_plan_nodes(client, atelier, territory, other_territory):
    version = make_version(territory)
    _, _, action, _ = make_tree(version)
    plan_services.add_link(actor=SYSTEM, node=action, target_key="workspace.atelier", object_id=atelier.pk)
    other = AtelierFactory(territory=other_territory, slug=atelier.slug)
    html = client.get(f"/ateliers/{atelier.slug}/").content.decode()
    assert "Dans le plan d'actions" in html
    assert f'href="/contrat/element/{action.pk}/"' in html and "Guide des acteurs" in html
    # Another atelier (same id space, other territory) shows no node.
    html = client.get(f"/ateliers/{other.slug}/", HTTP_HOST="autre.testserver").content.decode()
    assert "Dans le plan d'actions" not in html


@time_machine.travel(NOW, tick=False)
def test_demo_attaches_the_events_demo_meetings(territory, animator):

    past = EventFactory(
        territory=territory,
        kind="reunion_atelier",
        title="Réunion de l'atelier « Achats responsables »",
        start=NOW - dt.timedelta(days=45),
    )
    ahead = EventFactory(
        territory=territory, kind="reunion_atelier", title="Réunion de l'atelier « Achats responsables »"
    )
    EventFactory(
        territory=territory, kind="reunion_atelier", title="Réunion de l'atelier « Mobilité solidaire »"
    )
    for _ in range(2):
        workspace_demo.load(today=NOW.date(), context={"demo_accounts": {"animator": animator}})
    meetings = {m.event_id: m for m in AtelierMeeting.objects.all()}
    assert set(meetings) == {past.pk, ahead.pk}
    assert {m.atelier.slug for m in meetings.values()} == {"iae-achats-responsables"}
    assert (
        "Suites à donner" in meetings[past.pk].minutes_html and meetings[past.pk].minutes_author == animator
    )
    assert meetings[ahead.pk].minutes == ""
