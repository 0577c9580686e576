"""A subscribed installation that answers badly: down, slow, HTML, garbage, a wrong shape, 50 MB, a redirect
to a private address, a bad second page. Each time: a French status for the animator, nothing imported,
the previous imports kept. The fake installation is a tiny http.server on loopback."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from maillage.cooperation import services
from maillage.cooperation.models import ImportedItem, Subscription
from maillage.cooperation.remote import API_PATH
from maillage.cooperation.tasks import refresh_subscription

pytestmark = pytest.mark.django_db

GOOD_ITEM = {
    "id": "practice-7",
    "kind": "practice",
    "title": "Une cantine solidaire",
    "url": "https://voisin.example.org/structures/a/pratiques/b/",
    "territory": "Pays voisin",
}


def _json(handler, payload, status=200, content_type="application/json"):
    body = json.dumps(payload).encode() if not isinstance(payload, bytes) else payload
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class FakeInstallation(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):  # noqa: C901 (one branch per misbehaviour)
        kind = self.path.split("/")[1]
        second_page = "curseur=" in self.path
        if kind == "good":
            _json(self, {"installation": "Pays voisin", "items": [GOOD_ITEM], "next_cursor": None})
        elif kind == "html":
            _json(self, b"<!doctype html><html><body>Bienvenue</body></html>", content_type="text/html")
        elif kind == "garbage":
            _json(self, b'{"items": [1, 2,,, ', content_type="application/json")
        elif kind == "shape":
            _json(self, {"structures": []})
        elif kind == "bad-item":
            _json(self, {"items": [GOOD_ITEM, {"id": "x", "kind": "practice", "url": "https://a.b/"}]})
        elif kind == "bad-second-page":
            if second_page:
                _json(self, b"not json at all")
            else:
                item = {**GOOD_ITEM, "id": "practice-8", "title": "Première page"}
                _json(self, {"items": [item], "next_cursor": "page-2"})
        elif kind == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()  # no Content-Length: the cap must cut the stream itself
            self.wfile.write(b'{"items": [')
            chunk = b'"' + b"x" * (1024 * 1024 - 3) + b'",'
            try:
                for _ in range(50):  # 50 MB
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif kind == "private":
            self.send_response(302)
            self.send_header("Location", f"http://10.0.0.8{API_PATH}")
            self.end_headers()
        elif kind == "slow":
            time.sleep(3)
            _json(self, {"items": []})
        else:
            _json(self, {"detail": "inconnu"}, status=404)


@pytest.fixture
def fake(settings):
    settings.MAILLAGE_HTTP_ALLOW_LOOPBACK = True
    settings.MAILLAGE_COOPERATION_TIMEOUT = 0.5
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeInstallation)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _subscribed(animator, territory, url):
    subscription = services.add_subscription(actor=animator, territory=territory, url=url)
    return subscription


def test_a_good_installation_is_imported(fake, animator, territory):
    s = _subscribed(animator, territory, f"{fake}/good/")
    assert refresh_subscription(s.pk) == "ok"
    item = ImportedItem.objects.get()
    assert (item.title, item.origin_territory, item.remote_id) == (
        "Une cantine solidaire",
        "Pays voisin",
        "practice-7",
    )
    assert refresh_subscription(s.pk) == "ok"
    assert ImportedItem.objects.count() == 1


def _down_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"  # closed at once: nothing listens there


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("html", "page web (HTML)"),
        ("garbage", "n'est pas un JSON valide"),
        ("shape", "ne suit pas le format attendu"),
        ("bad-item", "L'élément n° 2 de la réponse n'a pas de « title »"),
        ("bad-second-page", "n'est pas un JSON valide"),
        ("huge", "dépasse la taille autorisée"),
        ("private", "réseau interne"),
        ("slow", "n'a pas répondu à temps"),
        ("missing", "code 404"),
        ("down", "Connexion impossible"),
    ],
)
def test_a_bad_answer_imports_nothing_and_says_why_in_french(fake, animator, territory, path, message):
    s = _subscribed(animator, territory, f"{fake}/good/")
    assert refresh_subscription(s.pk) == "ok"
    before = list(ImportedItem.objects.values_list("pk", "remote_id", "title", "updated_at"))
    url = _down_url() if path == "down" else f"{fake}/{path}/"
    Subscription.objects.filter(pk=s.pk).update(url=url + API_PATH.lstrip("/"))
    started = time.monotonic()
    assert refresh_subscription(s.pk) == "error"
    s.refresh_from_db()
    assert message in s.last_error, s.last_error
    assert list(ImportedItem.objects.values_list("pk", "remote_id", "title", "updated_at")) == before
    assert s.items_count == 1 and s.last_success_at is not None
    assert time.monotonic() - started < 30


def test_huge_payload_is_cut_at_the_cap(fake, animator, territory, settings):
    settings.MAILLAGE_HTTP_MAX_BYTES = 2 * 1024 * 1024
    s = _subscribed(animator, territory, f"{fake}/huge/")
    assert refresh_subscription(s.pk) == "error"
    s.refresh_from_db()
    assert "2097152 octets" in s.last_error
    assert not ImportedItem.objects.exists()


def test_loopback_is_refused_by_default(animator, territory, settings):
    assert getattr(settings, "MAILLAGE_HTTP_ALLOW_LOOPBACK", False) is False
    s = _subscribed(animator, territory, "http://127.0.0.1:9/")
    assert refresh_subscription(s.pk) == "error"
    s.refresh_from_db()
    assert "réseau interne" in s.last_error


def test_loopback_is_off_in_base_and_prod_settings_and_only_opt_in_in_dev():
    import importlib

    base = importlib.import_module("config.settings.base")
    assert base.MAILLAGE_HTTP_ALLOW_LOOPBACK is False
    dev_source = importlib.util.find_spec("config.settings.dev").origin or ""
    with open(dev_source, encoding="utf-8") as handle:
        assert 'env.get_bool("MAILLAGE_HTTP_ALLOW_LOOPBACK", False)' in handle.read()
    prod_source = importlib.util.find_spec("config.settings.prod").origin or ""
    with open(prod_source, encoding="utf-8") as handle:
        assert "ALLOW_LOOPBACK" not in handle.read()
