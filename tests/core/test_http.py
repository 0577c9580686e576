"""The safe outbound HTTP client, against real HTTP servers on loopback."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from maillage.core.http import (
    FetchError,
    FetchHTTPError,
    FetchTimeout,
    FetchTooLarge,
    SafeHTTPClient,
    UnsafeURLError,
    address_is_public,
    fetch,
)


class FakeServer:
    """A threading http.server on a free loopback port, with a few routes and a log of what it served."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.redirect_to = ""
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def handle_one_request(self) -> None:
                # The client hangs up on purpose (timeout, size cap): not an error of the server.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    super().handle_one_request()

            def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                server.hits.append(self.path)
                server.headers.append(dict(self.headers))
                if self.path == "/ok":
                    self._send(200, b"Bonjour, Grasse !")
                elif self.path == "/json":
                    self._send(200, b'{"communes": 23}', {"Content-Type": "application/json"})
                elif self.path == "/slow":
                    time.sleep(2)
                    self._send(200, b"trop tard")
                elif self.path == "/big-declared":
                    self._send(200, b"x" * 5000)
                elif self.path == "/big-streamed":
                    self.send_response(200)
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    chunk = b"y" * 1000
                    for _ in range(50):
                        self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                elif self.path == "/redirect":
                    self._send(302, b"", {"Location": server.redirect_to})
                elif self.path == "/loop":
                    self._send(302, b"", {"Location": "/loop"})
                elif self.path == "/missing":
                    self._send(404, b"Introuvable")
                else:
                    self._send(200, b"secret interne")

            def do_POST(self) -> None:  # noqa: N802
                server.hits.append("POST " + self.path)
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                if self.path == "/see-other":
                    self._send(303, b"", {"Location": "/ok"})
                else:
                    self._send(200, b"recu")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as s:
        yield s


@pytest.fixture
def internal() -> Iterator[FakeServer]:
    """A second loopback server standing for an internal service that must never be reached."""
    with FakeServer() as s:
        yield s


# -- allowed fetches --------------------------------------------------------------------------------


def test_fetches_from_an_allowed_server(server):
    response = fetch(server.url("/ok"), allow_loopback={server.port})
    assert response.status_code == 200
    assert response.text == "Bonjour, Grasse !"
    assert server.headers[0]["User-Agent"].startswith("Maillage/")


def test_json_and_status_errors(server):
    with SafeHTTPClient(allow_loopback=True) as client:
        assert client.get(server.url("/json")).json() == {"communes": 23}
        response = client.get(server.url("/missing"))
        assert response.status_code == 404
        with pytest.raises(FetchHTTPError) as error:
            response.raise_for_status()
    assert "code 404" in str(error.value)


def test_follows_a_redirect_to_an_allowed_address(server):
    server.redirect_to = "/ok"
    response = fetch(server.url("/redirect"), allow_loopback=True)
    assert response.text == "Bonjour, Grasse !"
    assert response.history == [server.url("/redirect")]


def test_303_after_post_becomes_a_get(server):
    response = fetch(server.url("/see-other"), method="POST", data={"a": "b"}, allow_loopback=True)
    assert response.status_code == 200
    assert server.hits == ["POST /see-other", "/ok"]


def test_too_many_redirects(server):
    with pytest.raises(FetchError, match="Trop de redirections"):
        fetch(server.url("/loop"), allow_loopback=True, max_redirects=3)
    assert len(server.hits) == 4


def test_the_setting_allows_loopback(server, settings):
    settings.MAILLAGE_HTTP_ALLOW_LOOPBACK = True
    assert fetch(server.url("/ok")).status_code == 200


# -- refused addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.1.2.3:8080/",
        "http://[::1]/",
        "http://10.0.0.5/",
        "http://192.168.1.1/",
        "http://172.16.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://240.0.0.1/",
    ],
)
def test_internal_addresses_are_refused(url):
    with pytest.raises(UnsafeURLError) as error:
        fetch(url)
    assert "n'est pas autorisée" in str(error.value)


@pytest.mark.parametrize(
    "url", ["ftp://example.org/file", "file:///etc/passwd", "gopher://example.org/", "/relative"]
)
def test_only_http_and_https(url):
    with pytest.raises(UnsafeURLError):
        fetch(url)


def test_credentials_in_url_are_refused():
    with pytest.raises(UnsafeURLError):
        fetch("http://user:pass@example.org/")


def test_loopback_is_refused_by_default(server):
    with pytest.raises(UnsafeURLError):
        fetch(server.url("/ok"))
    assert server.hits == []


def test_a_host_name_resolving_to_loopback_is_refused(server):
    """« localhost » is checked after DNS resolution, not on its name."""
    with pytest.raises(UnsafeURLError) as error:
        fetch(server.url("/ok", host="localhost"))
    assert "réseau interne" in str(error.value)
    assert server.hits == []


def test_allow_loopback_does_not_allow_private_ranges():
    with pytest.raises(UnsafeURLError):
        fetch("http://10.1.2.3/", allow_loopback=True)
    with pytest.raises(UnsafeURLError):
        fetch("http://169.254.169.254/", allow_loopback=True)


def test_a_redirect_to_loopback_is_refused(server, internal):
    """The allowed server (loopback allowed on its port only) redirects to another loopback service."""
    server.redirect_to = internal.url("/secret")
    with pytest.raises(UnsafeURLError):
        fetch(server.url("/redirect"), allow_loopback={server.port})
    assert server.hits == ["/redirect"]
    assert internal.hits == []


def test_a_redirect_through_localhost_is_refused(server, internal):
    server.redirect_to = internal.url("/secret", host="localhost")
    with pytest.raises(UnsafeURLError):
        fetch(server.url("/redirect"), allow_loopback={server.port})
    assert internal.hits == []


@pytest.mark.parametrize(
    "target", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "file:///etc/passwd"]
)
def test_a_redirect_to_an_internal_address_is_refused(server, target):
    server.redirect_to = target
    with pytest.raises(UnsafeURLError):
        fetch(server.url("/redirect"), allow_loopback=True)


def test_the_connection_goes_to_the_checked_address(monkeypatch):
    """DNS rebinding: the name is resolved once, by the guard, and the socket opens to the checked address.

    The resolver answers a public address first, then loopback to any later lookup: had anything resolved
    the name again to connect, it would have reached loopback. Only the socket opening is replaced (nothing
    leaves this machine).
    """
    import socket

    from maillage.core import http

    lookups: list[str] = []
    connected: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def rebinding_getaddrinfo(host, port, *args, **kwargs):
        if host == "rebind.example":
            lookups.append(host)
            answer = "93.184.215.14" if len(lookups) == 1 else "127.0.0.1"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer, port))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    def recording_connect(self, host, port, timeout=None, local_address=None, socket_options=None):
        connected.append(host)
        raise http.httpcore.ConnectError("hors ligne")

    monkeypatch.setattr(http.socket, "getaddrinfo", rebinding_getaddrinfo)
    monkeypatch.setattr(http.httpcore.SyncBackend, "connect_tcp", recording_connect)
    with pytest.raises(FetchError, match="Connexion impossible"):
        fetch("https://rebind.example/")
    assert lookups == ["rebind.example"]
    assert connected == ["93.184.215.14"]


# -- limits -----------------------------------------------------------------------------------------


def test_a_slow_server_times_out(server):
    with pytest.raises(FetchTimeout) as error:
        fetch(server.url("/slow"), allow_loopback=True, timeout=0.5)
    assert "n'a pas répondu à temps" in str(error.value)


def test_a_declared_oversize_body_is_refused(server):
    with pytest.raises(FetchTooLarge) as error:
        fetch(server.url("/big-declared"), allow_loopback=True, max_bytes=1000)
    assert "trop volumineuse" in str(error.value)


def test_a_streamed_oversize_body_is_cut(server):
    with pytest.raises(FetchTooLarge):
        fetch(server.url("/big-streamed"), allow_loopback=True, max_bytes=10_000)


def test_a_body_under_the_cap_is_read(server):
    response = fetch(server.url("/big-streamed"), allow_loopback=True, max_bytes=100_000)
    assert len(response.content) == 50_000


def test_connection_refused_is_a_fetch_error():
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(FetchError) as error:
        fetch(f"http://127.0.0.1:{port}/", allow_loopback=True)
    assert not isinstance(error.value, UnsafeURLError)


def test_address_policy():
    assert address_is_public("93.184.215.14")
    assert address_is_public("2a00:1450:4007:80e::200e")
    assert not address_is_public("127.0.0.1")
    assert address_is_public("127.0.0.1", allow_loopback=True)
    assert not address_is_public("::1")
    assert not address_is_public("2002:7f00:1::1")  # 6to4 wrapping 127.0.0.1
    assert not address_is_public("pas une adresse")
