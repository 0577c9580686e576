"""The animation team page: the animation names or removes animators and moderators in the browser."""

from __future__ import annotations

import pytest
from django.core import mail

from maillage.accounts.models import TerritoryRole
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_animation_names_a_moderator(client, territory, animator, django_capture_on_commit_callbacks):
    person = UserFactory(email="camille.moderation@example.org")
    client.force_login(animator)
    page = client.get("/compte/equipe/").content.decode()
    assert "animatrice@example.org" in page and "Nommer une personne" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/compte/equipe/", {"email": "Camille.Moderation@example.org", "role": "moderator"}
        )
    assert response.status_code == 302
    assert TerritoryRole.objects.filter(user=person, territory=territory, role="moderator").exists()
    assert person.territory_roles.get().history.first().history_user == animator
    sent = [m for m in mail.outbox if m.to == ["camille.moderation@example.org"]]
    assert len(sent) == 1 and "double authentification" in sent[0].body
    page = client.get("/compte/equipe/").content.decode()
    assert "camille.moderation@example.org" in page and "pas encore activée" in page


def test_an_unknown_address_is_explained_and_changes_nothing(client, territory, animator):
    client.force_login(animator)
    before = TerritoryRole.objects.count()
    response = client.post("/compte/equipe/", {"email": "personne@example.org", "role": "animator"})
    assert response.status_code == 400
    assert "doit d&#x27;abord créer son compte" in response.content.decode()
    response = client.post("/compte/equipe/", {"email": "x@example.org", "role": "roi"})
    assert response.status_code == 400 and TerritoryRole.objects.count() == before


def test_removing_a_role_asks_then_acts(client, territory, animator):
    person = UserFactory(email="ancien.moderateur@example.org")
    role = TerritoryRole.objects.create(user=person, territory=territory, role="moderator")
    client.force_login(animator)
    confirm = client.get(f"/compte/equipe/{role.pk}/retirer/")
    assert confirm.status_code == 200 and TerritoryRole.objects.filter(pk=role.pk).exists()
    assert client.post(f"/compte/equipe/{role.pk}/retirer/").status_code == 302
    assert not TerritoryRole.objects.filter(pk=role.pk).exists()


def test_the_last_animator_stays(client, territory, animator):
    own = TerritoryRole.objects.get(user=animator, territory=territory, role="animator")
    client.force_login(animator)
    response = client.post(f"/compte/equipe/{own.pk}/retirer/")
    assert response.status_code == 400 and "dernier rôle d&#x27;animation" in response.content.decode()
    assert TerritoryRole.objects.filter(pk=own.pk).exists()
    second = UserFactory(email="deuxieme.animatrice@example.org")
    TerritoryRole.objects.create(user=second, territory=territory, role="animator")
    assert client.post(f"/compte/equipe/{own.pk}/retirer/").status_code == 302


def test_another_territorys_roles_are_out_of_reach(client, territory, animator_other, animator):
    own = TerritoryRole.objects.get(user=animator, territory=territory)
    client.force_login(animator_other)
    assert client.get("/compte/equipe/").status_code == 403
    assert client.post(f"/compte/equipe/{own.pk}/retirer/").status_code == 403
    assert TerritoryRole.objects.filter(pk=own.pk).exists()
