"""The plan's own metrics (registry): what the dashboard and the plan's indicators can compute."""

from __future__ import annotations

import datetime as dt

from maillage.core.models import Territory
from maillage.plan.models import Node, NodeTransition


def actions_done(territory: Territory, start: dt.date, end: dt.date) -> int:
    """Actions marked « réalisée » between start and end (inclusive), counted once across yearly copies, and
    still done in their latest plan."""
    refs = set(
        NodeTransition.objects.filter(
            node__version__contract__territory=territory,
            to_state=Node.Status.DONE,
            at__date__gte=start,
            at__date__lte=end,
        ).values_list("node__ref", flat=True)
    )
    if not refs:
        return 0
    latest: dict[object, str] = {}
    for ref, status in (
        Node.objects.filter(version__contract__territory=territory, ref__in=refs)
        .order_by("version__year")
        .values_list("ref", "status")
    ):
        latest[ref] = status
    return sum(1 for status in latest.values() if status == Node.Status.DONE)


def actions_in_progress(territory: Territory, start: dt.date, end: dt.date) -> int:
    """Actions « en cours » in the plan of `end`'s year (or the latest before)."""
    nodes = Node.objects.filter(
        version__contract__territory=territory, version__year__lte=end.year, kind=Node.Kind.ACTION
    )
    year = nodes.order_by("-version__year").values_list("version__year", flat=True).first()
    if year is None:
        return 0
    return nodes.filter(version__year=year, status=Node.Status.IN_PROGRESS).count()
