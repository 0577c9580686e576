"""The api app's retention write: keys revoked long ago forget their holder (the key row stays, unusable)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from maillage.api.models import ApiKey

# A revoked key is kept a year (who held it, to answer a question about past use of the API), then loses
# its holder's name and address. Setting: API_REVOKED_KEY_RETENTION_DAYS.
DEFAULT_REVOKED_KEY_RETENTION_DAYS = 365
ERASED_HOLDER = "(effacé)"


def revoked_key_retention() -> dt.timedelta:
    return dt.timedelta(
        days=getattr(settings, "API_REVOKED_KEY_RETENTION_DAYS", DEFAULT_REVOKED_KEY_RETENTION_DAYS)
    )


def expire_revoked_keys(now: dt.datetime) -> int:
    """Retention: keys revoked long ago forget their holder (the key row stays, unusable)."""
    return (
        ApiKey.objects.filter(revoked_at__lt=now - revoked_key_retention())
        .exclude(holder_email="", holder_name=ERASED_HOLDER)
        .update(holder_email="", holder_name=ERASED_HOLDER)
    )
