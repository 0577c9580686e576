"""Personal data of the needs register: export, erasure, retention."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction

from maillage.needs.models import CLOSED_STATUSES, Need, NeedStatus, NeedTransition, Support
from maillage.needs.services.common import unindex_need
from maillage.needs.services.reporting import PENDING_RETENTION

ERASED_LABEL = "Personne effacée"


@transaction.atomic
def erase_person(user: Any) -> None:
    """The needs a person reported stay (they are the territory's), anonymous; their supports go; their name
    leaves the histories."""
    Need.objects.filter(reporter=user).update(reporter=None, reporter_name="", anonymous=True)
    Support.objects.filter(user=user).delete()
    NeedTransition.objects.filter(actor=user).update(actor=None, actor_label=ERASED_LABEL)


@transaction.atomic
def expire_pending(now: dt.datetime) -> int:
    """Unconfirmed reports and supports older than the retention period are deleted (with their address)."""
    limit = now - PENDING_RETENTION
    stale = list(Need.objects.filter(status=NeedStatus.UNCONFIRMED, created_at__lt=limit))
    for need in stale:
        unindex_need(need)
    count = len(stale)
    Need.objects.filter(pk__in=[n.pk for n in stale]).delete()
    deleted, _ = Support.objects.filter(confirmed=False, created_at__lt=limit).delete()
    return count + deleted


# The address of a person without an account (who reported or supported a need) serves to tell them the
# answer: once the need is closed (met, partly met, merged, out of scope) and a year has passed, it goes.
# Setting: NEEDS_CLOSED_ADDRESS_RETENTION_DAYS. A support keeps counting, under a placeholder address.
DEFAULT_CLOSED_ADDRESS_RETENTION_DAYS = 365
PLACEHOLDER_DOMAIN = "efface.invalid"


def closed_address_retention() -> dt.timedelta:
    return dt.timedelta(
        days=getattr(settings, "NEEDS_CLOSED_ADDRESS_RETENTION_DAYS", DEFAULT_CLOSED_ADDRESS_RETENTION_DAYS)
    )


@transaction.atomic
def forget_closed_addresses(now: dt.datetime) -> int:
    """Retention: the addresses of the reporters and supporters of needs closed long ago are removed."""
    closed = Need.objects.filter(status__in=CLOSED_STATUSES, updated_at__lt=now - closed_address_retention())
    count = closed.exclude(reporter_email="").update(reporter_email="")
    supports = Support.objects.filter(need__in=closed, user__isnull=True).exclude(
        email__endswith="@" + PLACEHOLDER_DOMAIN
    )
    for pk in list(supports.values_list("pk", flat=True)):
        count += Support.objects.filter(pk=pk).update(email=f"soutien-{pk}@{PLACEHOLDER_DOMAIN}")
    return count
