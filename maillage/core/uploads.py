"""Uploaded files: checked before they are kept, served only as downloads.

- `validate_upload(file, kinds=...)`: size cap (``MAILLAGE_UPLOAD_MAX_BYTES``), type sniffed from the
  content (the `filetype` package, never the browser's Content-Type), checked against an allow-list *and*
  against the file's extension (a PNG named ``.pdf`` or HTML named ``.jpg`` is refused). Plain text (CSV,
  TXT) has no signature: it is accepted only if it decodes as UTF-8 (or Latin-1) without NUL bytes.
- `clean_image(file)`: images are decoded and re-encoded with Pillow — metadata (EXIF, GPS, comments)
  dropped, orientation applied, pixel count capped (``MAILLAGE_IMAGE_MAX_PIXELS``, checked before decoding:
  no decompression bomb), size capped (``MAILLAGE_IMAGE_MAX_BYTES``); output PNG, JPEG or WebP.
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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any, Literal

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError


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
    guess = filetype.guess(data)
    if guess is not None:
        kind = _MIME_TO_KIND.get(guess.mime)
        if kind is None or kind not in kinds:
            raise ValidationError(
                _("Ce type de fichier n'est pas accepté. Types acceptés : %(types)s.")
                % {"types": _allowed_labels(kinds)},
                code="type",
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
    return CheckedUpload(
        kind=kind, content_type=KINDS[kind].mime, extension=extension, name=safe_name(name), size=len(data)
    )


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
def _strict_decoding() -> Iterator[None]:
    """Decode with Pillow's truncated-image tolerance off, whatever another library set it to."""
    with _DECODING_LOCK:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def clean_image(
    file: Any,
    *,
    output: ImageFormat | None = None,
    max_bytes: int | None = None,
    max_pixels: int | None = None,
    max_side: int | None = None,
) -> ContentFile:
    """Decode an uploaded image and re-encode it without metadata. Returns a ContentFile with a name.

    A truncated image is refused even after WeasyPrint was imported: WeasyPrint sets Pillow's process-wide
    `ImageFile.LOAD_TRUNCATED_IMAGES = True` on import, which would let a damaged upload through silently.
    """
    limit = int(max_bytes if max_bytes is not None else settings.MAILLAGE_IMAGE_MAX_BYTES)
    pixel_limit = int(max_pixels if max_pixels is not None else settings.MAILLAGE_IMAGE_MAX_PIXELS)
    checked = validate_upload(file, kinds=IMAGE_KINDS, max_bytes=limit)
    data = _read_all(file, limit)
    unreadable = ValidationError(_("Cette image est illisible ou endommagée."), code="invalid_image")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size  # read from the header, before any decoding
            source_format = probe.format
            if width * height > pixel_limit:
                raise ValidationError(
                    _("Cette image est trop grande (%(w)s × %(h)s pixels ; %(max)s millions au maximum).")
                    % {"w": width, "h": height, "max": round(pixel_limit / 1_000_000, 1)},
                    code="too_many_pixels",
                )
            probe.seek(0)
            with _strict_decoding():
                image = probe.copy() if getattr(probe, "n_frames", 1) == 1 else probe.convert("RGBA")
                image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise ValidationError(_("Cette image est trop grande."), code="too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
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
    stem = os.path.splitext(checked.name)[0] or "image"
    return ContentFile(buffer.getvalue(), name=f"{stem}.{_FORMAT_EXTENSION[fmt]}")


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
