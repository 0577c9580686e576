"""Give the demo's needs their past: the loader writes everything today, then spreads each need's life over
the months before (its report, each move of its history, its supports), so the register, the plan's
indicators and the lettre read as a story. Only the system actor (the demo loader) may rewrite dates."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction

from maillage.core.actors import Actor, is_system
from maillage.needs.models import Need, NeedTransition, Support


@transaction.atomic
def backdate_need(*, actor: Actor, need: Need, reported_at: dt.datetime, last_at: dt.datetime) -> None:
    """Date the need's report at `reported_at` and spread its later moves and supports up to `last_at`."""
    if not is_system(actor):
        raise PermissionDenied("Seul le chargement des données de démonstration réécrit les dates.")
    if last_at <= reported_at:
        last_at = reported_at + dt.timedelta(hours=1)
    lines = list(NeedTransition.objects.filter(need=need).order_by("at", "pk"))
    # The creation line(s) (« ∅ → … » and the e-mail confirmation) carry the report's date.
    opening = [line for line in lines if line.from_state in ("", "unconfirmed")]
    later = [line for line in lines if line not in opening]
    gap = (last_at - reported_at) / (len(later) or 1)
    for n, line in enumerate(opening):
        NeedTransition.objects.filter(pk=line.pk).update(at=reported_at + dt.timedelta(minutes=10 * n))
    for n, line in enumerate(later, start=1):
        NeedTransition.objects.filter(pk=line.pk).update(at=reported_at + gap * n)
    supports = list(Support.objects.filter(need=need).order_by("pk"))
    spread = (last_at - reported_at) / (len(supports) + 1)
    for n, support in enumerate(supports, start=1):
        Support.objects.filter(pk=support.pk).update(created_at=reported_at + spread * n)
    Need.objects.filter(pk=need.pk).update(
        created_at=reported_at, updated_at=reported_at + gap * len(later) if later else reported_at
    )
