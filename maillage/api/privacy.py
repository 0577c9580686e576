"""What the api app keeps about a person: the API keys held under their address (export only reads)."""

from __future__ import annotations

from typing import Any

from maillage.api.models import ApiKey
from maillage.api.services.privacy import (  # the hook's retention, a write: in services
    DEFAULT_REVOKED_KEY_RETENTION_DAYS,
    ERASED_HOLDER,
    expire_revoked_keys,
    revoked_key_retention,
)

__all__ = [
    "DEFAULT_REVOKED_KEY_RETENTION_DAYS",
    "ERASED_HOLDER",
    "expire_revoked_keys",
    "export_person",
    "revoked_key_retention",
]


def export_person(user: Any) -> dict[str, Any]:
    email = (getattr(user, "email", "") or "").strip()
    held = (
        ApiKey.objects.filter(holder_email__iexact=email).order_by("pk") if email else ApiKey.objects.none()
    )
    return {
        "cles_api_detenues": [
            {
                "debut_de_la_cle": k.prefix,
                "titulaire": k.holder_name,
                "usage_prevu": k.purpose,
                "creee_le": k.created_at.isoformat(),
                "revoquee_le": k.revoked_at.isoformat() if k.revoked_at else None,
            }
            for k in held
        ]
    }
