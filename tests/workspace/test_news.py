"""The news watch: posted items, RSS/Atom import through the safe client, dedup, broken feeds, the page."""

from __future__ import annotations

import http.server
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.workspace import feeds, services
from maillage.workspace.models import NewsFeed, NewsItem

pytestmark = pytest.mark.django_db

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Actus</title>
<item><title>Le mois de l'ESS</title><link>https://actus.example/mois</link>
<description>&lt;p&gt;Un &lt;b&gt;appel&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;</description>
<category>Evenement</category><pubDate>Mon, 02 Nov 2026 10:00:00 +0100</pubDate></item>
<item><title>Lien dangereux</title><link>javascript:alert(1)</link></item>
<item><title>Guide des achats</title><link>https://actus.example/achats</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title>
<entry><title>Finances solidaires</title><link rel="alternate" href="https://atom.example/fs"/>
<summary>Le barom&#232;tre</summary><category term="finances"/><updated>2026-11-01T08:00:00Z</updated></entry>
<entry><title>Le mois de l'ESS</title><link href="https://actus.example/mois"/></entry>
</feed>"""

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><item><title>&lol3;</title><link>https://x.example/</link></item></channel></rss>"""


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, bytes] = {}

    def do_GET(self):  # noqa: N802
        if self.path == "/lent.xml":
            time.sleep(3)
        body = self.routes.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def feed_server():
    _Handler.routes = {
        "/rss.xml": RSS,
        "/atom.xml": ATOM,
        "/bombe.xml": BOMB,
        "/lent.xml": RSS,
        "/html": b"<html></html>",
    }
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _feed(territory, url, title="Flux"):
    return NewsFeed.objects.create(territory=territory, title=title, url=url)


def test_rss_then_atom_import_with_dedup(territory, feed_server):
    rss = _feed(territory, f"{feed_server}/rss.xml", "Actus")
    assert services.import_news_feed(feed=rss, allow_loopback=True) == 2  # the javascript: link is skipped
    assert services.import_news_feed(feed=rss, allow_loopback=True) == 0  # dedup by URL
    atom = _feed(territory, f"{feed_server}/atom.xml", "Atom")
    assert services.import_news_feed(feed=atom, allow_loopback=True) == 1  # « Le mois » is already known
    item = NewsItem.objects.get(url="https://actus.example/mois")
    assert item.summary == "Un appel alert(1)" or "<" not in item.summary
    assert "<script" not in item.summary and item.tags == ["evenement"]
    assert NewsItem.objects.get(url="https://atom.example/fs").tags == ["finances"]
    rss.refresh_from_db()
    assert rss.last_success_at and not rss.last_error


def test_private_address_refused_without_loopback_in_tests(territory, feed_server):
    feed = _feed(territory, f"{feed_server}/rss.xml")
    assert services.import_news_feed(feed=feed, allow_loopback=False) == 0
    feed.refresh_from_db()
    assert "interne" in feed.last_error or "autoris" in feed.last_error
    assert feed.error_count == 1 and not NewsItem.objects.exists()
    internal = _feed(territory, "http://10.0.0.1/flux.xml", "Interne")
    services.import_news_feed(feed=internal)
    internal.refresh_from_db()
    assert "réseau interne" in internal.last_error


def test_xml_bomb_is_refused(territory, feed_server):
    feed = _feed(territory, f"{feed_server}/bombe.xml")
    assert services.import_news_feed(feed=feed, allow_loopback=True) == 0
    feed.refresh_from_db()
    assert "interdites" in feed.last_error


def test_a_feed_that_times_out_is_reported_and_others_go_on(territory, feed_server, monkeypatch):
    monkeypatch.setattr(feeds, "FEED_TIMEOUT", 0.5)
    slow = _feed(territory, f"{feed_server}/lent.xml", "Lent")
    broken = _feed(territory, f"{feed_server}/html", "Pas un flux")
    ok = _feed(territory, f"{feed_server}/rss.xml", "Actus")
    counts = services.import_all_feeds(allow_loopback=True)
    for feed in (slow, broken, ok):
        feed.refresh_from_db()
    assert slow.last_error and broken.last_error and not ok.last_error
    assert "pas un flux" in broken.last_error.lower()
    assert sum(counts.values()) == 2


def test_members_post_items_and_bad_input(territory, member, manager_other, animator_other):
    item = services.post_news_item(
        actor=member,
        territory=territory,
        title="Guide",
        url="https://exemple.fr/guide",
        tags="Achats, IAE, achats",
    )
    assert item.tags == ["achats", "iae"] and item.tags_text == ",achats,iae,"
    with pytest.raises(ValidationError):
        services.post_news_item(
            actor=manager_other, territory=territory, title="Guide", url="https://exemple.fr/guide"
        )
    with pytest.raises(ValidationError):
        services.post_news_item(actor=member, territory=territory, title="X", url="javascript:alert(1)")
    with pytest.raises(PermissionDenied):
        services.post_news_item(
            actor=animator_other, territory=territory, title="X", url="https://exemple.fr/x"
        )


def test_watch_page_search_tags_and_pick_for_the_lettre(client, territory, member, animator):
    services.post_news_item(
        actor=member, territory=territory, title="Monnaie locale", url="https://a.example/1", tags="finances"
    )
    services.post_news_item(
        actor=member, territory=territory, title="Clauses sociales", url="https://a.example/2", tags="achats"
    )
    page = client.get("/ateliers/veille/?q=monnaie").content.decode()
    assert "Monnaie locale" in page and "Clauses sociales" not in page
    page = client.get("/ateliers/veille/?tag=achats").content.decode()
    assert "Clauses sociales" in page and "Monnaie locale" not in page
    item = NewsItem.objects.get(title="Clauses sociales")
    client.force_login(member)
    assert client.post(f"/ateliers/veille/{item.pk}/retenir/", {"picked": "1"}).status_code == 403
    client.force_login(animator)
    client.post(f"/ateliers/veille/{item.pk}/retenir/", {"picked": "1", "next": "https://evil.example/"})
    item.refresh_from_db()
    assert item.picked_at is not None
    from maillage.core.registry import registry

    block = registry.content_providers["workspace.news"].build(
        territory=territory, since=timezone.now() - timezone.timedelta(days=1), options={}
    )
    assert "Clauses sociales" in block.html and "Monnaie locale" not in block.html


def test_feeds_page_reports_a_broken_feed(client, territory, animator):
    NewsFeed.objects.create(
        territory=territory,
        title="En panne",
        url="https://x.example/f",
        last_error="Délai dépassé",
        error_count=3,
    )
    client.force_login(animator)
    page = client.get("/ateliers/veille/flux/").content.decode()
    assert "En panne" in page and "Délai dépassé" in page
    bad = client.post("/ateliers/veille/flux/", {"title": "", "url": "pas une adresse"})
    assert bad.status_code == 200 and NewsFeed.objects.count() == 1


def test_api_lists_news_with_a_tag_filter(client, territory, member):
    services.post_news_item(
        actor=member, territory=territory, title="A", url="https://a.example/a", tags="achats"
    )
    services.post_news_item(
        actor=member, territory=territory, title="B", url="https://a.example/b", tags="iae"
    )
    assert [i["title"] for i in client.get("/api/v1/veille?tag=achats").json()] == ["A"]
    assert len(client.get("/api/v1/veille").json()) == 2
