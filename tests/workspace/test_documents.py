"""Atelier documents: checked uploads, versions, download counts, private files through a checked view."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from maillage.workspace import services
from maillage.workspace.models import Document, DocumentVersion
from tests.workspace.factories import AtelierFactory, AtelierMemberFactory

pytestmark = pytest.mark.django_db


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = _pdf()  # a real PDF: uploads must parse as PDF


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def atelier(territory, member):
    a = AtelierFactory(territory=territory)
    AtelierMemberFactory(atelier=a, user=member)
    return a


def test_upload_versions_and_downloads(client, territory, member, atelier, manager_other):
    client.force_login(member)
    response = client.post(
        f"/ateliers/{atelier.slug}/documents/",
        {"title": "Compte rendu", "file": SimpleUploadedFile("cr.pdf", PDF, content_type="application/pdf")},
    )
    document = Document.objects.get()
    assert response.status_code == 302
    client.post(
        f"/ateliers/documents/{document.pk}/",
        {
            "file": SimpleUploadedFile("cr-v2.pdf", PDF + b"%v2", content_type="application/pdf"),
            "note": "Corrigé",
        },
    )
    versions = list(document.versions.all())
    assert [v.number for v in versions] == [2, 1]
    assert "/media/" not in versions[0].file.path and "private" in versions[0].file.path
    download = client.get(f"/ateliers/documents/versions/{versions[0].pk}/telecharger/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).endswith(b"%v2")
    versions[0].refresh_from_db()
    assert versions[0].download_count == 1
    client.force_login(manager_other)
    assert client.get(f"/ateliers/documents/versions/{versions[0].pk}/telecharger/").status_code == 403
    versions[0].refresh_from_db()
    assert versions[0].download_count == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rapport.pdf", _png(), "extension"),  # a forged extension
        ("page.pdf", b"<html><script>alert(1)</script></html>", "reconnu"),
        ("programme.exe", b"MZ\x90\x00" + b"\x00" * 60, "accepté"),
        ("vide.pdf", b"", "vide"),
    ],
)
def test_bad_files_are_refused_with_a_french_message(territory, member, atelier, name, content, message):
    with pytest.raises(ValidationError) as error:
        services.upload_document(
            actor=member, atelier=atelier, title="Doc", file=SimpleUploadedFile(name, content)
        )
    assert message in " ".join(error.value.messages)
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()


def test_too_big_is_refused(settings, territory, member, atelier):
    settings.MAILLAGE_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError) as error:
        services.upload_document(
            actor=member, atelier=atelier, title="Doc", file=SimpleUploadedFile("gros.pdf", PDF * 10)
        )
    assert "volumineux" in " ".join(error.value.messages)


def test_the_page_shows_the_error_beside_the_field(client, member, atelier):
    client.force_login(member)
    response = client.post(
        f"/ateliers/{atelier.slug}/documents/", {"title": "Doc", "file": SimpleUploadedFile("x.pdf", _png())}
    )
    assert response.status_code == 200
    assert "ne correspond pas au contenu" in response.content.decode()
