"""Files through Django's storage API only, on the local disk (one machine, the default) or on S3-compatible
storage (`MAILLAGE_S3_BUCKET`, see config/settings/base.py and docs/deployment.md): a web node keeps no file.

`save_file()` is how a service stores a file: a storage that does not answer becomes a French
`ValidationError` raised *before* anything is written in the database (the caller's transaction rolls back
whatever it began), so nothing is ever half-written.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage

logger = logging.getLogger(__name__)

UNAVAILABLE = (
    "Le stockage des fichiers ne répond pas : le fichier n'a pas été enregistré et rien n'a été modifié. "
    "Réessayez dans quelques minutes."
)


def _storage_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OSError]
    try:
        from botocore.exceptions import (  # type: ignore[import-untyped]  # noqa: PLC0415  (only with S3)
            BotoCoreError,
            ClientError,
        )
    except ImportError:  # pragma: no cover - boto3 is in the lock files
        return tuple(errors)
    return (*errors, BotoCoreError, ClientError)


def save_file(storage: Storage, name: str, content: Any) -> str:
    """Store `content` under (a free name near) `name`; returns the stored name."""
    try:
        return storage.save(name, content)
    except _storage_errors() as exc:
        logger.warning("file storage unavailable while saving %s: %s", name, exc)
        raise ValidationError(UNAVAILABLE) from exc
