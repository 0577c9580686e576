"""Upload checks with real small files (images made with Pillow)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image
from pypdf import PdfWriter

from maillage.core.uploads import (
    clean_image,
    clean_upload,
    private_file_response,
    safe_name,
    validate_upload,
)


def real_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = real_pdf()
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def image_bytes(fmt: str = "PNG", size=(40, 30), mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 80, 20) if mode == "RGB" else None).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "AppareilPhoto"
    exif[ExifTags.Base.Orientation] = 6  # rotated 90°
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (43.0, 39.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (6.0, 55.0, 20.0)
    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), (10, 120, 200)).save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


# -- validate_upload ------------------------------------------------------------------------------------


def test_a_real_pdf_is_accepted():
    checked = validate_upload(upload("Compte rendu.pdf", PDF, "application/pdf"))
    assert (checked.kind, checked.content_type, checked.extension) == ("pdf", "application/pdf", "pdf")


def test_a_png_renamed_pdf_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_upload(upload("facture.pdf", image_bytes("PNG"), "application/pdf"))
    assert "ne correspond pas au contenu du fichier (PNG)" in error.value.messages[0]


def test_html_renamed_jpg_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_upload(upload("photo.jpg", HTML, "image/jpeg"), kinds=("jpeg", "png"))
    assert "n'a pas été reconnu" in error.value.messages[0]


def test_html_renamed_txt_is_accepted_only_as_text():
    checked = validate_upload(upload("notes.txt", HTML))
    assert checked.content_type == "text/plain"  # served as a text download, never as HTML


def test_a_type_outside_the_allow_list_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_upload(upload("doc.pdf", PDF), kinds=("png", "jpeg"))
    assert "Types acceptés : JPEG, PNG" in error.value.messages[0]


def test_binary_named_csv_is_refused():
    with pytest.raises(ValidationError):
        validate_upload(upload("liste.csv", b"\x00\x01\x02binaire"))


def test_csv_in_utf8_and_latin1():
    assert validate_upload(upload("liste.csv", "nom;ville\nÉpicerie;Grasse\n".encode())).kind == "csv"
    assert validate_upload(upload("liste.csv", "nom;ville\nÉpicerie;Grasse\n".encode("cp1252"))).kind == "csv"


def test_size_cap(settings):
    settings.MAILLAGE_UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        validate_upload(upload("gros.pdf", PDF + b"0" * 2000))
    assert "trop volumineux" in error.value.messages[0]
    assert error.value.code == "too_large"


def test_empty_file():
    with pytest.raises(ValidationError, match="vide"):
        validate_upload(upload("vide.pdf", b""))


def test_jpeg_extension_variants():
    data = image_bytes("JPEG")
    assert validate_upload(upload("a.JPG", data)).kind == "jpeg"
    assert validate_upload(upload("a.jpeg", data)).kind == "jpeg"
    with pytest.raises(ValidationError):
        validate_upload(upload("a.png", data))
    with pytest.raises(ValidationError):
        validate_upload(upload("sans-extension", data))


def test_safe_name():
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\x\\Mon fichier (1).PDF") == "Mon-fichier-1.pdf"
    assert safe_name("") == "fichier"


# -- clean_image ----------------------------------------------------------------------------------------


def test_exif_and_gps_are_stripped_and_orientation_applied():
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as img:
        assert img.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the fixture really has GPS data
    cleaned = clean_image(upload("sortie.jpg", original, "image/jpeg"))
    assert cleaned.name == "sortie.jpg"
    data = cleaned.read()
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "JPEG"
        assert dict(img.getexif()) == {}
        assert "exif" not in img.info
        assert img.size == (20, 60)  # orientation 6 applied, then dropped
    assert b"Exif" not in data
    assert b"AppareilPhoto" not in data


def test_png_stays_png_and_keeps_transparency():
    buffer = io.BytesIO()
    image = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jeanne Dupont")
    image.save(buffer, format="PNG", pnginfo=info)
    cleaned = clean_image(upload("logo.png", buffer.getvalue()))
    data = cleaned.read()
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "PNG"
        assert img.mode == "RGBA"
        assert "Author" not in img.info
    assert b"Jeanne Dupont" not in data


def test_a_logo_is_scaled_down_to_800_pixels():
    cleaned = clean_upload(upload("grand.png", image_bytes("PNG", size=(1600, 400))), kind="logo").file
    assert cleaned.name == "grand.png"
    with Image.open(cleaned) as img:
        assert img.format == "PNG"
        assert img.size == (800, 200)


def test_decompression_bomb_is_refused_before_decoding(settings):
    settings.MAILLAGE_IMAGE_MAX_PIXELS = 100 * 100
    with pytest.raises(ValidationError) as error:
        clean_image(upload("bombe.png", image_bytes("PNG", size=(101, 100), mode="1")))
    assert "trop grande" in error.value.messages[0]


def test_image_size_cap(settings):
    settings.MAILLAGE_IMAGE_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="trop volumineux"):
        clean_image(upload("photo.jpg", image_bytes("JPEG", size=(100, 100))))


def test_a_truncated_image_is_refused():
    data = image_bytes("PNG", size=(200, 200))[:120]
    with pytest.raises(ValidationError, match="illisible"):
        clean_image(upload("casse.png", data))


def test_a_truncated_image_is_refused_even_once_weasyprint_is_loaded():
    import weasyprint  # noqa: F401  (sets PIL.ImageFile.LOAD_TRUNCATED_IMAGES = True on import)
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    data = image_bytes("PNG", size=(200, 200))[:120]
    with pytest.raises(ValidationError, match="illisible"):
        clean_image(upload("casse.png", data))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # WeasyPrint's own setting is left as it was


def test_a_pdf_is_not_an_image():
    with pytest.raises(ValidationError):
        clean_image(upload("photo.pdf", PDF))


# -- private_file_response ------------------------------------------------------------------------------


def test_private_file_response_headers():
    response = private_file_response(PDF, "Compte rendu du 3 mars.pdf", content_type="application/pdf")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Compte-rendu-du-3-mars.pdf" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("content_type", ["text/html", "image/svg+xml", "application/xhtml+xml", None])
def test_dangerous_content_types_are_never_sent(content_type):
    response = private_file_response(HTML, "page.html", content_type=content_type)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_text_is_sent_as_text_download():
    response = private_file_response(b"a;b\n", "liste.csv", content_type="text/csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
