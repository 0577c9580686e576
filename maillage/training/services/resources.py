"""The resources library: guides as files (checked and cleaned by `core.uploads.clean_upload`) or links."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from maillage.core.actors import Actor
from maillage.core.models import Territory
from maillage.core.uploads import clean_upload
from maillage.training import permissions
from maillage.training.models import Resource
from maillage.training.services.common import person_of


def add_resource(
    *,
    actor: Actor,
    territory: Territory,
    title: str,
    description: str = "",
    topic: str = "",
    file: Any = None,
    url: str = "",
) -> Resource:
    """A guide: a file (any document type the platform accepts: sniffed, PDF parsed, images re-encoded)
    or a link. The file is checked before anything is written."""
    permissions.require(
        actor, permissions.ADVISE, territory, "Seuls l'animation et les conseillers ajoutent des ressources."
    )
    if not title.strip():
        raise ValidationError({"title": "Donnez un titre à la ressource."})
    if file is None and not url.strip():
        raise ValidationError({"file": "Joignez un fichier ou indiquez un lien."})
    cleaned = clean_upload(file, kind="document") if file is not None else None
    with transaction.atomic():
        resource = Resource(
            territory=territory,
            title=title.strip()[:200],
            description=description,
            topic=topic.strip()[:120],
            url=url.strip(),
            created_by=person_of(actor),
        )
        if cleaned is not None:
            resource.file_name = cleaned.name[:200]
            resource.file.save(cleaned.name, cleaned.file, save=False)
        resource.full_clean(exclude=["file"])
        resource.save()
    return resource


@transaction.atomic
def delete_resource(*, actor: Actor, resource: Resource) -> None:
    permissions.require(
        actor, permissions.ANIMATE, resource.territory, "Seule l'animation retire une ressource."
    )
    if resource.file:
        resource.file.delete(save=False)
    resource.delete()
