"""The one PDF renderer (maillage.core.pdf): it draws, it reads our static and media files through the
storage API, and it refuses every other URL without failing the page and without opening a connection."""

from __future__ import annotations

import io
import socket
import threading

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from maillage.core.pdf import BASE_URL, FetchRefused, read_own_file, render_pdf, url_fetcher

IN_MEMORY = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def png(colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), colour).save(buffer, format="PNG")
    return buffer.getvalue()


class Listener:
    """A real TCP listener on loopback that counts the connections it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


def test_renders_a_template_with_our_stylesheet():
    data = render_pdf("events/pdf/_base.html", {"territory": {"name": "Pays de Grasse", "contract_name": ""}})
    assert data.startswith(b"%PDF")


def test_reads_static_files_through_the_finders():
    data, mime = read_own_file(BASE_URL + "static/css/events_print.css")
    assert mime == "text/css" and b"@page" in data


def test_reads_a_media_file_through_the_storage_api(settings):
    # In-memory storage: nothing is on disk under MEDIA_ROOT, so only default_storage.open() can find it.
    settings.STORAGES = IN_MEMORY
    name = default_storage.save("logos/rouge.png", ContentFile(png()))
    data, mime = read_own_file(BASE_URL + "media/" + name)
    assert (data, mime) == (png(), "image/png")
    with_image = render_pdf(html=f'<p>Logo</p><img src="/media/{name}">')
    without = render_pdf(html="<p>Logo</p>")
    assert b"/Subtype /Image" in with_image and b"/Subtype /Image" not in without


def test_the_page_host_is_the_only_host_for_relative_files():
    css = "https://ess.paysdegrasse.test/static/css/charter_print.css"
    assert read_own_file(css, base_url="https://ess.paysdegrasse.test/")[1] == "text/css"
    with pytest.raises(FetchRefused):
        read_own_file(css)  # another host than the page's


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/x.css",
        "https://evil.example/static/css/events_print.css",
        "file:///etc/passwd",
        "data:text/css,body{color:red}",
        BASE_URL + "static/../../etc/passwd",
        BASE_URL + "static/%2e%2e/%2e%2e/config/settings/base.py",
        BASE_URL + "media/../config/settings/base.py",
        BASE_URL + "media//etc/passwd",
        BASE_URL + "config/settings/base.py",
        BASE_URL + "static/css/nothing-here.css",
    ],
)
def test_refuses_everything_else(url):
    with pytest.raises(FetchRefused):
        url_fetcher().fetch(url)


def test_refused_urls_leave_the_pdf_drawn_and_open_no_connection():
    listener = Listener()
    try:
        html = (
            f'<link rel="stylesheet" href="http://127.0.0.1:{listener.port}/x.css">'
            '<link rel="stylesheet" href="file:///etc/passwd">'
            f'<img src="http://127.0.0.1:{listener.port}/track.png"><img src="file:///etc/passwd">'
            '<img src="https://example.org/x.png"><p>Feuille d\'émargement</p>'
        )
        data = render_pdf(html=html, base_url="https://ess.paysdegrasse.test/")
    finally:
        listener.close()
    assert data.startswith(b"%PDF")
    assert listener.connections == 0
    assert b"root:" not in data
