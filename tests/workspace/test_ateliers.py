"""Ateliers: open and on-request membership, coordinator decisions, roles, the atelier page."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template

from maillage.notifications.models import Notification
from maillage.workspace import services
from maillage.workspace.models import Atelier, AtelierMember
from tests.factories import UserFactory
from tests.workspace.factories import AtelierFactory, AtelierMemberFactory

pytestmark = pytest.mark.django_db


def test_open_atelier_admits_at_once(territory, member):
    atelier = AtelierFactory(territory=territory, policy=Atelier.Policy.OPEN)
    m = services.join_atelier(actor=member, atelier=atelier)
    assert m.status == "active"
    again = services.join_atelier(actor=member, atelier=atelier)  # a second click
    assert again.pk == m.pk and AtelierMember.objects.count() == 1
    assert [(t.from_status, t.to_status) for t in m.transitions.all()] == [("", "active")]


def test_on_request_needs_a_coordinator(territory, member, manager, django_capture_on_commit_callbacks):
    atelier = AtelierFactory(territory=territory, policy=Atelier.Policy.ON_REQUEST)
    AtelierMemberFactory(atelier=atelier, user=manager, role="coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        m = services.join_atelier(actor=member, atelier=atelier)
    assert m.status == "pending"
    assert Notification.objects.filter(user=manager, kind="workspace.membership").exists()
    assert [msg.to for msg in mail.outbox] == [[manager.email]]  # immediate by default
    with pytest.raises(PermissionDenied):
        services.decide_membership(actor=UserFactory(), member=m, accept=True)
    services.decide_membership(actor=manager, member=m, accept=True)
    m.refresh_from_db()
    assert m.status == "active"
    with pytest.raises(ValidationError):
        services.decide_membership(actor=manager, member=m, accept=False)  # not pending any more


def test_outsiders_cannot_join(territory, other_territory, animator_other):
    atelier = AtelierFactory(territory=territory)
    with pytest.raises(PermissionDenied):
        services.join_atelier(actor=animator_other, atelier=atelier)


def test_the_last_coordinator_stays(territory, manager, member):
    atelier = AtelierFactory(territory=territory)
    coordinator = AtelierMemberFactory(atelier=atelier, user=manager, role="coordinator")
    with pytest.raises(ValidationError):
        services.set_member_role(actor=manager, member=coordinator, role="member")
    other = AtelierMemberFactory(atelier=atelier, user=member)
    services.set_member_role(actor=manager, member=other, role="coordinator")
    services.set_member_role(actor=manager, member=coordinator, role="member")


def test_atelier_page_hides_discussions_from_non_members(client, territory, member, manager_other):
    atelier = AtelierFactory(territory=territory, name="Finances solidaires")
    AtelierMemberFactory(atelier=atelier, user=member)
    services.create_thread(
        actor=member, territory=territory, atelier=atelier, title="Monnaie locale", body="Idées ?"
    )
    assert "Monnaie locale" not in client.get(f"/ateliers/{atelier.slug}/").content.decode()
    client.force_login(manager_other)
    page = client.get(f"/ateliers/{atelier.slug}/").content.decode()
    assert "Finances solidaires" in page and "Monnaie locale" not in page and "Rejoindre" in page
    client.post(f"/ateliers/{atelier.slug}/adhesion/")
    assert "Monnaie locale" in client.get(f"/ateliers/{atelier.slug}/").content.decode()


def test_members_page_shows_names_and_structures_never_addresses(client, territory, member, manager):
    atelier = AtelierFactory(territory=territory)
    AtelierMemberFactory(atelier=atelier, user=member)
    AtelierMemberFactory(atelier=atelier, user=manager, role="coordinator")
    client.force_login(member)
    page = client.get(f"/ateliers/{atelier.slug}/membres/").content.decode()
    assert manager.display_name in page and "La Ressourcerie du Pays de Grasse" in page
    assert manager.email not in page and member.email not in page


def test_coordinator_accepts_through_the_page(client, territory, member, manager):
    atelier = AtelierFactory(territory=territory, policy=Atelier.Policy.ON_REQUEST)
    AtelierMemberFactory(atelier=atelier, user=manager, role="coordinator")
    pending = services.join_atelier(actor=member, atelier=atelier)
    client.force_login(member)
    assert (
        client.post(f"/ateliers/{atelier.slug}/membres/{pending.pk}/", {"action": "accept"}).status_code
        == 403
    )
    client.force_login(manager)
    client.post(f"/ateliers/{atelier.slug}/membres/{pending.pk}/", {"action": "accept"})
    pending.refresh_from_db()
    assert pending.status == "active"


def test_animator_creates_an_atelier(client, animator, territory):
    client.force_login(animator)
    response = client.post("/ateliers/nouveau/", {"name": "Événementiel", "purpose": "", "policy": "open"})
    assert response.status_code == 302
    assert Atelier.objects.get().slug == "evenementiel"
    bad = client.post("/ateliers/nouveau/", {"name": "", "policy": "nope"})
    assert bad.status_code == 200 and Atelier.objects.count() == 1


def test_atelier_descriptions_render_sanitised_markdown_on_the_list_and_the_page(client, territory):
    atelier = AtelierFactory(
        territory=territory,
        name="Guide des pratiques",
        purpose="Recueillir les **bonnes pratiques**. <script>alert(1)</script>",
    )
    listing = client.get("/ateliers/").content.decode()
    assert "Recueillir les bonnes pratiques." in listing
    assert "**" not in listing and "<script>alert" not in listing
    page = client.get(f"/ateliers/{atelier.slug}/").content.decode()
    assert "<strong>bonnes pratiques</strong>" in page
    assert "**" not in page and "<script>alert" not in page


@pytest.mark.parametrize(
    ("count", "words", "expected"),
    [
        (0, "commentaire", "aucun commentaire"),
        (1, "commentaire", "1 commentaire"),
        (2, "commentaire", "2 commentaires"),
        (0, "nouveauté,nouveautés,f", "aucune nouveauté"),
        (3, "abonné confirmé,abonnés confirmés", "3 abonnés confirmés"),
    ],
)
def test_counts_read_as_french(count, words, expected):
    rendered = Template("{{ n|compte:words }}").render(Context({"n": count, "words": words}))
    assert rendered == expected


def test_atelier_page_counts_its_members_in_french(client, territory, member, manager):
    atelier = AtelierFactory(territory=territory)
    assert "aucun membre" in client.get(f"/ateliers/{atelier.slug}/").content.decode()
    AtelierMemberFactory(atelier=atelier, user=member)
    assert "1 membre" in client.get(f"/ateliers/{atelier.slug}/").content.decode()
    AtelierMemberFactory(atelier=atelier, user=manager)
    assert "2 membres" in client.get(f"/ateliers/{atelier.slug}/").content.decode()
