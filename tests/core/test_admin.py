"""The technical admin of core writes territories through the services; its other tables are read-only."""

from __future__ import annotations

from django.urls import reverse

from maillage.core.models import Commune, Domain, Territory
from tests.conftest import with_totp
from tests.factories import UserFactory


def _superuser_client(client):
    admin = with_totp(UserFactory(is_staff=True, is_superuser=True))  # superusers need a second factor
    client.force_login(admin)
    return client, admin


def test_a_territory_edited_in_the_admin_goes_through_the_services(client, territory, monkeypatch):
    from maillage.core import services

    calls = []
    for name in ("save_territory", "set_domains"):
        original = getattr(services, name)
        monkeypatch.setattr(services, name, lambda _o=original, _n=name, **kw: calls.append(_n) or _o(**kw))
    client, admin = _superuser_client(client)
    domain = territory.domains.get()
    url = reverse("admin:core_territory_change", args=[territory.pk])
    data = {
        "name": "Pays de Grasse (ESS)",
        "slug": territory.slug,
        "canonical_url": territory.canonical_url,
        "accent_color": territory.accent_color,
        "settings": "{}",
        "is_active": "on",
        "domains-TOTAL_FORMS": "2",
        "domains-INITIAL_FORMS": "1",
        "domains-MIN_NUM_FORMS": "0",
        "domains-MAX_NUM_FORMS": "1000",
        "domains-0-id": str(domain.pk),
        "domains-0-territory": str(territory.pk),
        "domains-0-name": "testserver",
        "domains-1-territory": str(territory.pk),
        "domains-1-name": "ess.exemple.test",
    }
    response = client.post(url, data, HTTP_HOST="testserver")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert calls == ["save_territory", "set_domains"]
    territory.refresh_from_db()
    assert territory.name == "Pays de Grasse (ESS)"
    assert set(Domain.objects.filter(territory=territory).values_list("name", flat=True)) == {
        "testserver",
        "ess.exemple.test",
    }
    assert territory.history.latest().history_user == admin


def test_communes_and_logs_are_read_only_in_the_admin(client, territory):
    client, _ = _superuser_client(client)
    commune = Commune.objects.first()
    assert client.get(reverse("admin:core_commune_add")).status_code == 403
    page = client.get(reverse("admin:core_commune_change", args=[commune.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content  # shown, not editable
    assert (
        client.post(reverse("admin:core_commune_delete", args=[commune.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Territory.objects.filter(pk=territory.pk).exists()
