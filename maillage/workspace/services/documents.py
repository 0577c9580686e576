"""Documents of an atelier: versions kept, files cleaned on upload, stored privately."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from maillage.core.actors import Actor, require_actor
from maillage.core.uploads import CleanUpload, clean_upload
from maillage.workspace import permissions
from maillage.workspace.models import Atelier, Document, DocumentVersion
from maillage.workspace.services._people import person_of


def _check_file(file: Any) -> CleanUpload:
    if file is None:
        raise ValidationError({"file": "Choisissez un fichier."})
    try:
        return clean_upload(file, kind="document")
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None


def _add_version(*, actor: Actor, document: Document, checked: CleanUpload, note: str) -> DocumentVersion:
    number = (document.versions.aggregate(n=models.Max("number"))["n"] or 0) + 1
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=checked.name[:200],
        content_type=checked.content_type,
        size=checked.size,
        note=(note or "").strip()[:300],
        uploaded_by=person_of(actor),
    )
    version.file.save(checked.name, checked.file, save=False)  # the cleaned file, never the original
    version.save()
    Document.objects.filter(pk=document.pk).update(updated_at=timezone.now())
    return version


@transaction.atomic
def upload_document(
    *, actor: Actor, atelier: Atelier, title: str, file: Any, description: str = "", note: str = ""
) -> Document:
    require_actor(actor)
    if not permissions.can_read_atelier(actor, atelier):
        raise PermissionDenied("Seuls les membres de l'atelier y déposent des documents.")
    errors: dict[str, Any] = {}
    if not (title or "").strip():
        errors["title"] = "Donnez un titre au document."
    try:
        checked = _check_file(file)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    document = Document.objects.create(
        atelier=atelier,
        title=title.strip()[:200],
        description=(description or "").strip(),
        created_by=person_of(actor),
    )
    _add_version(actor=actor, document=document, checked=checked, note=note or "Première version")
    return document


@transaction.atomic
def add_document_version(*, actor: Actor, document: Document, file: Any, note: str = "") -> DocumentVersion:
    require_actor(actor)
    if not permissions.can_read_atelier(actor, document.atelier):
        raise PermissionDenied("Seuls les membres de l'atelier y déposent des documents.")
    checked = _check_file(file)
    return _add_version(actor=actor, document=document, checked=checked, note=note)


def record_download(*, version: DocumentVersion) -> None:
    DocumentVersion.objects.filter(pk=version.pk).update(download_count=models.F("download_count") + 1)
