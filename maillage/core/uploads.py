"""Uploaded files: one standard for every file we keep, served only as downloads.

- `clean_upload(file, *, kind)`: THE function every upload path calls (atelier documents, logos, event
  pictures…). `kind` names a policy (`POLICIES`: which types, how many bytes, how many pixels). It returns a
  `CleanUpload` whose `file` is what to store. Steps:
  1. size cap (``MAILLAGE_UPLOAD_MAX_BYTES`` for documents, ``MAILLAGE_IMAGE_MAX_BYTES`` for images);
  2. type sniffed from the content with `puremagic` (never the browser's Content-Type), checked against the
     policy's allow-list *and* the file's extension; ZIP-based office files (ODF, OOXML) are told apart by
     opening the archive (macro-enabled ones are refused). Plain text (CSV, TXT) has no signature: it is
     accepted only if it decodes without NUL bytes;
  3. polyglots refused: a non-text file holding web-page code (``<script``, ``<html``, ``<!doctype``…) —
     a GIF or PDF that is also an HTML page — is refused;
  4. every image is decoded and re-encoded without metadata (EXIF, GPS, comments), orientation applied,
     its pixel count checked from the header before decoding (``MAILLAGE_IMAGE_MAX_PIXELS``, also Pillow's
     `MAX_IMAGE_PIXELS` bomb check while decoding);
  5. every PDF must really parse (pypdf: at least one page).
- `validate_upload(file, kinds=...)`: steps 1-3 only, for files that are read and not kept (imports).
- `private_file_response(file, filename)`: the only way to send back a private file, from a view that has
  checked permissions: always ``Content-Disposition: attachment``, ``X-Content-Type-Options: nosniff``, a
  content type from a safe list (else ``application/octet-stream``) and a sandboxing CSP.

Errors are `django.core.exceptions.ValidationError` with French messages, ready for a form's `clean_*`.
"""

from __future__ import annotations

import io
import os
import re
import threading
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any, Literal

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError


@dataclass(frozen=True)
class FileKind:
    mime: str
    extensions: tuple[str, ...]
    label: str
    is_image: bool = False
    is_text: bool = False


KINDS: dict[str, FileKind] = {
    "pdf": FileKind("application/pdf", ("pdf",), "PDF"),
    "png": FileKind("image/png", ("png",), "PNG", is_image=True),
    "jpeg": FileKind("image/jpeg", ("jpg", "jpeg"), "JPEG", is_image=True),
    "webp": FileKind("image/webp", ("webp",), "WebP", is_image=True),
    "gif": FileKind("image/gif", ("gif",), "GIF", is_image=True),
    "odt": FileKind("application/vnd.oasis.opendocument.text", ("odt",), "ODT"),
    "ods": FileKind("application/vnd.oasis.opendocument.spreadsheet", ("ods",), "ODS"),
    "odp": FileKind("application/vnd.oasis.opendocument.presentation", ("odp",), "ODP"),
    "docx": FileKind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",), "DOCX"
    ),
    "xlsx": FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), "XLSX"),
    "pptx": FileKind(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",), "PPTX"
    ),
    "csv": FileKind("text/csv", ("csv",), "CSV", is_text=True),
    "txt": FileKind("text/plain", ("txt",), "texte", is_text=True),
}
IMAGE_KINDS = ("png", "jpeg", "webp", "gif")
DOCUMENT_KINDS = ("pdf", "odt", "ods", "odp", "docx", "xlsx", "pptx", "csv", "txt", *IMAGE_KINDS)
SAFE_CONTENT_TYPES = frozenset(kind.mime for kind in KINDS.values())

_MIME_TO_KIND = {kind.mime: name for name, kind in KINDS.items() if not kind.is_text}


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    content_type: str
    extension: str
    name: str
    size: int

    @property
    def is_image(self) -> bool:
        return KINDS[self.kind].is_image


def _read_all(file: IO[bytes] | Any, limit: int) -> bytes:
    """Read at most `limit` + 1 bytes (enough to know it is too big) and rewind."""
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limit + 1)
    if hasattr(file, "seek"):
        file.seek(0)
    return data


def _size_of(file: Any) -> int | None:
    size = getattr(file, "size", None)
    return int(size) if size is not None else None


def _extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def _allowed_labels(kinds: Iterable[str]) -> str:
    return ", ".join(sorted({KINDS[k].label for k in kinds}))


def validate_upload(
    file: Any, *, kinds: Iterable[str] = DOCUMENT_KINDS, max_bytes: int | None = None
) -> CheckedUpload:
    """Check an uploaded file; raise ValidationError (French) if it may not be kept."""
    kinds = tuple(kinds)
    limit = int(max_bytes if max_bytes is not None else settings.MAILLAGE_UPLOAD_MAX_BYTES)
    name = os.path.basename(getattr(file, "name", "") or "")
    declared = _size_of(file)
    too_big = ValidationError(
        _("Ce fichier est trop volumineux (%(max)s au maximum).") % {"max": filesizeformat(limit)},
        code="too_large",
    )
    if declared is not None and declared > limit:
        raise too_big
    data = _read_all(file, limit)
    if len(data) > limit:
        raise too_big
    if not data:
        raise ValidationError(_("Ce fichier est vide."), code="empty")
    extension = _extension(name)
    kind = sniff(data)
    if kind is not None:
        if kind not in kinds:
            raise ValidationError(
                _("Ce type de fichier n'est pas accepté. Types acceptés : %(types)s.")
                % {"types": _allowed_labels(kinds)},
                code="type",
            )
    elif data.startswith(_ZIP_SIGNATURE) and not _zip_opens(data):
        raise ValidationError(
            _(
                "Ce fichier est endommagé ou incomplet (son archive ne s'ouvre pas) : enregistrez-le de "
                "nouveau depuis son logiciel d'origine."
            ),
            code="damaged",
        )
    else:
        kind = next((k for k in kinds if KINDS[k].is_text and extension in KINDS[k].extensions), None)
        if kind is None or not _looks_like_text(data):
            raise ValidationError(
                _("Le contenu de ce fichier n'a pas été reconnu. Types acceptés : %(types)s.")
                % {"types": _allowed_labels(kinds)},
                code="type",
            )
    if extension not in KINDS[kind].extensions:
        raise ValidationError(
            _("L'extension « .%(ext)s » ne correspond pas au contenu du fichier (%(kind)s).")
            % {"ext": extension or "", "kind": KINDS[kind].label},
            code="extension",
        )
    if not KINDS[kind].is_text and POLYGLOT_MARKERS.search(data):
        raise ValidationError(
            _(
                "Ce fichier contient du code de page web : il n'est pas accepté. Enregistrez-le de nouveau "
                "depuis son logiciel d'origine."
            ),
            code="polyglot",
        )
    return CheckedUpload(
        kind=kind, content_type=KINDS[kind].mime, extension=extension, name=safe_name(name), size=len(data)
    )


# Web-page code in a file that is not text: a polyglot (a GIF, a PDF… that a browser could also run as HTML).
POLYGLOT_MARKERS = re.compile(
    rb"<script|<html|<!doctype\s+html|<body|<iframe|<object|<embed|<svg[\s>]|<\?php|javascript:",
    re.IGNORECASE,
)
_ZIP_SIGNATURE = b"PK\x03\x04"
_SIGNATURE_KINDS = ("pdf", "png", "jpeg", "webp", "gif")  # the ZIP-based kinds come from `_zip_kind`
_ODF_KINDS = {KINDS[k].mime: k for k in ("odt", "ods", "odp")}
_OOXML_PARTS = (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx"))


def sniff(data: bytes) -> str | None:
    """The binary kind (a key of KINDS) the content is, by its signature; None when no signature we know
    matches (text, or an unknown type). A ZIP that is no office file we accept is « zip »-less: None."""
    if data.startswith(_ZIP_SIGNATURE):
        return _zip_kind(data)
    try:
        candidates = puremagic.magic_string(data)
    except (puremagic.PureError, ValueError):
        return None
    for candidate in candidates:
        kind = _MIME_TO_KIND.get(candidate.mime_type)
        if kind in _SIGNATURE_KINDS:
            return kind
    return None


def _zip_kind(data: bytes) -> str | None:
    """ODF (its `mimetype` member) or OOXML (its `[Content_Types].xml` and main part), read from the
    archive's directory; a macro-enabled file (vbaProject.bin) or a damaged archive is None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return None
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    declared = member.read(100).decode("ascii", "replace").strip()
                return _ODF_KINDS.get(declared)
            if "[Content_Types].xml" in names:
                return next(
                    (k for prefix, k in _OOXML_PARTS if any(n.startswith(prefix) for n in names)), None
                )
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError):
        return None
    return None


def _zip_opens(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError):
        return False
    return True


def _looks_like_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return True


def safe_name(name: str, *, default: str = "fichier") -> str:
    base = os.path.basename(name.replace("\\", "/"))
    stem, ext = os.path.splitext(base)
    stem = re.sub(r"[^\w.-]+", "-", stem, flags=re.UNICODE).strip("-.")[:80] or default
    cleaned = get_valid_filename(f"{stem}{ext.lower()}")
    return cleaned or default


ImageFormat = Literal["PNG", "JPEG", "WEBP"]
_FORMAT_EXTENSION = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


_DECODING_LOCK = threading.Lock()


@contextmanager
def _strict_decoding(pixel_limit: int) -> Iterator[None]:
    """Decode with Pillow's truncated-image tolerance off, whatever another library set it to, and with its
    decompression-bomb limit at ours (a warning past it becomes an error)."""
    with _DECODING_LOCK, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        previous = ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        Image.MAX_IMAGE_PIXELS = pixel_limit
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS = previous


def _reencode_image(
    data: bytes, *, stem: str, output: ImageFormat | None, pixel_limit: int, max_side: int | None
) -> ContentFile:
    """Decode an image and re-encode only its pixels (no EXIF, GPS, XMP, ICC, comments, text chunks).

    The pixel count is read from the header before any decoding; while decoding, Pillow's own bomb check
    (`MAX_IMAGE_PIXELS`, set to our limit) turns any excess into an error. A truncated image is refused even
    after WeasyPrint was imported (it sets Pillow's process-wide `LOAD_TRUNCATED_IMAGES = True`)."""
    unreadable = ValidationError(_("Cette image est illisible ou endommagée."), code="invalid_image")
    too_many = ValidationError(
        _("Cette image est trop grande (%(max)s millions de pixels au maximum).")
        % {"max": round(pixel_limit / 1_000_000, 1)},
        code="too_many_pixels",
    )
    try:
        with _strict_decoding(pixel_limit), Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size  # read from the header, before any decoding
            source_format = probe.format
            if width * height > pixel_limit:
                raise ValidationError(
                    _("Cette image est trop grande (%(w)s × %(h)s pixels ; %(max)s millions au maximum).")
                    % {"w": width, "h": height, "max": round(pixel_limit / 1_000_000, 1)},
                    code="too_many_pixels",
                )
            probe.seek(0)
            image = probe.copy() if getattr(probe, "n_frames", 1) == 1 else probe.convert("RGBA")
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_many from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise unreadable from exc
    image = ImageOps.exif_transpose(image) or image
    if max_side and max(image.size) > max_side:
        image.thumbnail((max_side, max_side))
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    fmt: ImageFormat = output or (
        "JPEG" if source_format == "JPEG" else "WEBP" if source_format == "WEBP" else "PNG"
    )
    if fmt == "JPEG":
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if has_alpha else "RGB")
    # A fresh image with only the pixels: no EXIF, XMP, ICC, comments or text chunks survive.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    buffer = io.BytesIO()
    save_options: dict[str, Any] = {"JPEG": {"quality": 85, "optimize": True}, "WEBP": {"quality": 85}}.get(
        fmt, {"optimize": True}
    )
    clean.save(buffer, format=fmt, **save_options)
    return ContentFile(buffer.getvalue(), name=f"{stem or 'image'}.{_FORMAT_EXTENSION[fmt]}")


def _check_pdf(data: bytes) -> None:
    """The file must parse as a PDF with at least one page (pypdf), not just start with « %PDF »."""
    invalid = ValidationError(
        _("Ce fichier PDF est illisible ou endommagé. Enregistrez-le de nouveau en PDF et réessayez."),
        code="invalid_pdf",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise ValidationError(
                    _("Ce PDF est protégé par un mot de passe : déposez une version sans mot de passe."),
                    code="encrypted_pdf",
                )
            if len(reader.pages) < 1:
                raise invalid
    except ValidationError:
        raise
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise invalid from exc


@dataclass(frozen=True)
class UploadPolicy:
    """What one kind of upload accepts. Byte and pixel limits are setting names (read at each call)."""

    types: tuple[str, ...]
    bytes_setting: str = "MAILLAGE_UPLOAD_MAX_BYTES"
    pixels_setting: str = "MAILLAGE_IMAGE_MAX_PIXELS"
    max_side: int | None = None  # images are scaled down to fit this box
    image_output: ImageFormat | None = None  # None: keep JPEG and WebP, everything else becomes PNG


POLICIES: dict[str, UploadPolicy] = {
    # A file of an atelier, a report, an attachment: any document type; its images re-encoded too.
    "document": UploadPolicy(DOCUMENT_KINDS),
    # A picture shown on a page (event, news).
    "image": UploadPolicy(IMAGE_KINDS, bytes_setting="MAILLAGE_IMAGE_MAX_BYTES"),
    # A structure's logo: scaled down to 800 px.
    "logo": UploadPolicy(IMAGE_KINDS, bytes_setting="MAILLAGE_IMAGE_MAX_BYTES", max_side=800),
}


@dataclass(frozen=True)
class CleanUpload(CheckedUpload):
    """An upload that passed `clean_upload`: store `file` (re-encoded for images), never the original."""

    file: ContentFile


def clean_upload(
    file: Any, *, kind: str, max_bytes: int | None = None, max_pixels: int | None = None
) -> CleanUpload:
    """Check and clean one uploaded file by the policy `kind` (a key of POLICIES); raise a French
    ValidationError if it may not be kept. Every upload path of the product goes through here."""
    policy = POLICIES[kind]
    limit = int(max_bytes if max_bytes is not None else getattr(settings, policy.bytes_setting))
    pixel_limit = int(max_pixels if max_pixels is not None else getattr(settings, policy.pixels_setting))
    checked = validate_upload(file, kinds=policy.types, max_bytes=limit)
    data = _read_all(file, limit)
    stem = os.path.splitext(checked.name)[0]
    if checked.is_image:
        cleaned = _reencode_image(
            data, stem=stem, output=policy.image_output, pixel_limit=pixel_limit, max_side=policy.max_side
        )
        name = cleaned.name or ""  # always set by _reencode_image
        extension = _extension(name)
        out_kind = next(k for k in IMAGE_KINDS if extension in KINDS[k].extensions)
        return CleanUpload(
            file=cleaned,
            kind=out_kind,
            content_type=KINDS[out_kind].mime,
            extension=extension,
            name=name,
            size=cleaned.size,
        )
    if checked.kind == "pdf":
        _check_pdf(data)
    return CleanUpload(
        file=ContentFile(data, name=checked.name),
        kind=checked.kind,
        content_type=checked.content_type,
        extension=checked.extension,
        name=checked.name,
        size=len(data),
    )


def clean_image(file: Any) -> ContentFile:
    """A picture upload: `clean_upload(file, kind="image").file` (kept for the forms that call it)."""
    return clean_upload(file, kind="image").file


def private_file_response(file: Any, filename: str, *, content_type: str | None = None) -> FileResponse:
    """Send a private file as a download. Call it only from a view that has checked permissions."""
    name = safe_name(filename)
    if content_type not in SAFE_CONTENT_TYPES:
        guessed = next(
            (k.mime for k in KINDS.values() if _extension(name) in k.extensions and not k.is_text), None
        )
        content_type = guessed or "application/octet-stream"
    if content_type.startswith("text/"):
        content_type = f"{content_type}; charset=utf-8"
    if isinstance(file, bytes | bytearray):
        file = io.BytesIO(bytes(file))
    response = FileResponse(file, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
