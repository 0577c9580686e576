"""Embeds: only the iframe pages may be framed (any site); every other page keeps the site's policy."""

from __future__ import annotations

import pytest

from tests.charter.factories import SignatureFactory, adopted_version
from tests.events.factories import EventFactory
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db

EMBEDS = ["/integrer/carte/", "/integrer/agenda/", "/integrer/signataires/"]


def directive(response, name):
    policy = response["Content-Security-Policy"]
    for part in policy.split(";"):
        words = part.strip().split()
        if words and words[0] == name:
            return words[1:]
    return None


@pytest.mark.parametrize("url", EMBEDS)
def test_embed_pages_may_be_framed_by_any_site(client, territory, url):
    response = client.get(url)
    assert response.status_code == 200
    assert directive(response, "frame-ancestors") == ["*"]
    assert "X-Frame-Options" not in response
    # the rest of the policy is intact
    assert directive(response, "script-src") == ["'self'"]
    assert directive(response, "default-src") == ["'self'"]


@pytest.mark.parametrize("url", ["/", "/chiffres/", "/integrer/", "/recherche/?q=x", "/structures/"])
def test_every_other_page_refuses_to_be_framed(client, territory, url):
    response = client.get(url)
    assert response.status_code == 200
    assert directive(response, "frame-ancestors") == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_snippet_page_gives_an_iframe_per_embed(client, territory):
    html = client.get("/integrer/").content.decode()
    assert "&lt;iframe src=&quot;https://ess.paysdegrasse.test/integrer/carte/&quot;" in html
    assert "/integrer/agenda/" in html and "/integrer/signataires/" in html


def test_embeds_show_the_territory_only_and_link_to_its_site(client, territory, other_territory):
    EventFactory(territory=territory, title="Forum de l'ESS")
    EventFactory(territory=other_territory, title="Fête voisine")
    EventFactory(territory=territory, title="Brouillon caché", status="draft")
    html = client.get("/integrer/agenda/").content.decode()
    assert "Forum de l&#x27;ESS" in html and "voisine" not in html and "Brouillon" not in html
    assert 'target="_blank" rel="noopener"' in html
    StructureFactory(territory=territory, name="Ressourcerie", commune=territory.communes.get())
    StructureFactory(territory=other_territory, name="Voisine")
    html = client.get("/integrer/carte/").content.decode()
    assert "Grasse : 1 structure" in html and "Voisine" not in html


def test_signatories_embed_lists_the_charters_signatories(client, territory):
    version = adopted_version(territory)
    signed = StructureFactory(territory=territory, name="Coopérative signataire")
    StructureFactory(territory=territory, name="Association sans signature")
    SignatureFactory(version=version, structure=signed)
    html = client.get("/integrer/signataires/").content.decode()
    assert "Coopérative signataire" in html and "sans signature" not in html
    assert "1 structure signataire." in html
