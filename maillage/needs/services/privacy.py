"""Personal data of the needs register: export, erasure, retention."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from maillage.needs.models import Need, NeedStatus, NeedTransition, Support
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
