"""`clean_upload`: one standard for every file we keep, checked with real generated files, through the real
upload paths (atelier documents, structure logos)."""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image
from pypdf import PdfWriter

from maillage.actors.forms import StructureForm
from maillage.core.uploads import clean_upload
from maillage.workspace import services as workspace_services
from tests.workspace.factories import AtelierFactory, AtelierMemberFactory


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "AppareilPhoto"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (43.0, 39.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (6.0, 55.0, 20.0)
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (10, 120, 200)).save(buffer, format="JPEG", exif=exif)
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as img:  # the fixture really carries a GPS position
        assert img.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
    return data


@functools.cache
def png_bomb(side: int = 20_000) -> bytes:
    """A real, valid 20,000 × 20,000 1-bit PNG of about 50 KB (400 million pixels once decoded)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\x00" * (1 + side // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def gif_with_script() -> bytes:
    """A GIF that Pillow decodes, with `<script>` in a comment right after its header."""
    buffer = io.BytesIO()
    Image.new("P", (8, 8), 1).save(buffer, format="GIF", comment=b"<script>alert(document.cookie)</script>")
    data = buffer.getvalue()
    assert data.startswith(b"GIF89a") and data.index(b"<script>") < 64
    Image.open(io.BytesIO(data)).load()
    return data


def real_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF_THEN_HTML = b"%PDF-1.7\n<!DOCTYPE html><html><body><script>fetch('/x')</script></body></html>\n"


def assert_no_exif(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as img:
        assert dict(img.getexif()) == {} and "exif" not in img.info
    assert b"Exif" not in data and b"AppareilPhoto" not in data


# -- the function ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["document", "logo"])
def test_a_photo_loses_its_gps_position(kind):
    cleaned = clean_upload(upload("atelier.jpg", jpeg_with_gps()), kind=kind)
    assert cleaned.content_type == "image/jpeg"
    assert_no_exif(cleaned.file.read())


@pytest.mark.parametrize("kind", ["document", "logo"])
def test_a_png_bomb_is_refused_before_decoding(kind):
    bomb = png_bomb()
    assert len(bomb) < 100_000
    with pytest.raises(ValidationError) as error:
        clean_upload(upload("plan.png", bomb), kind=kind)
    assert "Cette image est trop grande" in error.value.messages[0]
    assert error.value.code == "too_many_pixels"


@pytest.mark.parametrize("kind", ["document", "logo"])
def test_a_gif_with_a_script_is_refused(kind):
    with pytest.raises(ValidationError) as error:
        clean_upload(upload("anime.gif", gif_with_script()), kind=kind)
    assert "code de page web" in error.value.messages[0]


def test_a_pdf_header_followed_by_html_is_refused():
    with pytest.raises(ValidationError) as error:
        clean_upload(upload("compte-rendu.pdf", PDF_THEN_HTML), kind="document")
    assert error.value.code in ("polyglot", "invalid_pdf")


def test_a_pdf_that_does_not_parse_is_refused():
    with pytest.raises(ValidationError) as error:
        clean_upload(upload("compte-rendu.pdf", b"%PDF-1.4\nrien d'autre\n%%EOF\n"), kind="document")
    assert "illisible ou endommagé" in error.value.messages[0]


def test_a_valid_pdf_is_accepted_unchanged():
    data = real_pdf()
    cleaned = clean_upload(upload("compte-rendu.pdf", data), kind="document")
    assert (cleaned.kind, cleaned.content_type, cleaned.name) == (
        "pdf",
        "application/pdf",
        "compte-rendu.pdf",
    )
    assert cleaned.file.read() == data


def test_a_pdf_is_no_logo():
    with pytest.raises(ValidationError, match="Types acceptés"):
        clean_upload(upload("logo.pdf", real_pdf()), kind="logo")


def test_office_files_are_told_apart_by_their_archive():
    odt = io.BytesIO()
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    assert clean_upload(upload("note.odt", odt.getvalue()), kind="document").kind == "odt"
    with pytest.raises(ValidationError, match="ne correspond pas"):
        clean_upload(upload("note.docx", odt.getvalue()), kind="document")
    macro = io.BytesIO()
    with zipfile.ZipFile(macro, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\x00macro")
    with pytest.raises(ValidationError):
        clean_upload(upload("note.docx", macro.getvalue()), kind="document")


def test_a_cut_office_file_is_said_damaged():
    odt = io.BytesIO()
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>" * 200)
    cut = odt.getvalue()[: len(odt.getvalue()) // 2]
    with pytest.raises(ValidationError, match="endommagé ou incomplet"):
        clean_upload(upload("note.odt", cut), kind="document")


def test_a_gif_document_is_stored_as_a_clean_png():
    buffer = io.BytesIO()
    Image.new("P", (8, 8), 1).save(buffer, format="GIF", comment=b"Jeanne Dupont")
    cleaned = clean_upload(upload("schema.gif", buffer.getvalue()), kind="document")
    assert (cleaned.name, cleaned.content_type) == ("schema.png", "image/png")
    assert b"Jeanne Dupont" not in cleaned.file.read()


# -- the upload paths ----------------------------------------------------------------------------------


@pytest.fixture
def atelier(db, territory, member):
    a = AtelierFactory(territory=territory)
    AtelierMemberFactory(atelier=a, user=member)
    return a


def test_an_atelier_photo_is_stored_without_its_gps_position(atelier, member):
    document = workspace_services.upload_document(
        actor=member,
        atelier=atelier,
        title="Visite du chantier",
        file=upload("chantier.jpg", jpeg_with_gps()),
    )
    version = document.versions.get()
    with version.file.open("rb") as stored:
        data = stored.read()
    assert version.content_type == "image/jpeg" and version.size == len(data)
    assert_no_exif(data)


@pytest.mark.parametrize(
    ("name", "data"),
    [("plan.png", png_bomb()), ("anime.gif", gif_with_script()), ("cr.pdf", PDF_THEN_HTML)],
)
def test_an_atelier_refuses_bombs_and_polyglots(atelier, member, name, data):
    with pytest.raises(ValidationError) as error:
        workspace_services.upload_document(
            actor=member, atelier=atelier, title="Piège", file=upload(name, data)
        )
    assert "file" in error.value.message_dict
    assert not atelier.documents.exists()


def test_an_atelier_keeps_a_valid_pdf(atelier, member):
    document = workspace_services.upload_document(
        actor=member, atelier=atelier, title="Compte rendu", file=upload("cr.pdf", real_pdf())
    )
    assert document.versions.get().content_type == "application/pdf"


def _logo_form(territory, file: SimpleUploadedFile) -> StructureForm:
    form = StructureForm(data={}, files={"logo_upload": file}, territory=territory)
    form.is_valid()
    return form


def test_a_logo_loses_its_gps_position(territory):
    form = _logo_form(territory, upload("logo.jpg", jpeg_with_gps()))
    assert "logo_upload" not in form.errors
    assert_no_exif(form.cleaned_data["logo_upload"].read())


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("logo.png", png_bomb(), "trop grande"),
        ("logo.gif", gif_with_script(), "code de page web"),
        ("logo.pdf", real_pdf(), "Types acceptés"),
    ],
)
def test_a_logo_refuses_bombs_polyglots_and_pdfs(territory, name, data, words):
    form = _logo_form(territory, upload(name, data))
    assert words in " ".join(form.errors["logo_upload"])
