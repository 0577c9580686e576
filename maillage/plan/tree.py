"""The plan as a tree in memory: nodes with their children, rolled-up progress and status, indicators.

Parents' progress is the weighted mean of their children's (abandoned actions left out); an objective's
status is deduced from its actions. Built in a bounded number of queries whatever the size of the plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from maillage.plan.models import Indicator, Measurement, Node, PlanVersion


@dataclass
class IndicatorView:
    indicator: Indicator
    measurements: list[Measurement]

    @property
    def latest(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None

    @property
    def attainment(self) -> int | None:
        """How far the latest value went from the baseline to the target, in percent (0–100), or None."""
        ind, latest = self.indicator, self.latest
        if latest is None or ind.target is None:
            return None
        base = ind.baseline or Decimal(0)
        if ind.target == base:
            return 100 if latest.value >= ind.target else 0
        share = (latest.value - base) / (ind.target - base) * 100
        return int(max(0, min(100, round(share))))


@dataclass
class TreeNode:
    node: Node
    children: list[TreeNode] = field(default_factory=list)
    progress: int = 0
    status: str = Node.Status.PLANNED
    indicators: list[IndicatorView] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(Node.Status(self.status).label)

    @property
    def counted(self) -> bool:
        """Abandoned actions do not weigh on their parent's progress."""
        return self.status != Node.Status.ABANDONED

    def walk(self) -> list[TreeNode]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


def _roll_up(item: TreeNode) -> None:
    if item.node.kind == Node.Kind.ACTION or not item.children:
        item.status = item.node.status if item.node.kind == Node.Kind.ACTION else Node.Status.PLANNED
        item.progress = 100 if item.status == Node.Status.DONE else item.node.progress
        for child in item.children:
            _roll_up(child)
        return
    for child in item.children:
        _roll_up(child)
    counted = [c for c in item.children if c.counted]
    total = sum(c.node.weight for c in counted)
    item.progress = round(sum(c.progress * c.node.weight for c in counted) / total) if total else 0
    statuses = {c.status for c in counted}
    if not counted:
        item.status = Node.Status.ABANDONED
    elif statuses == {Node.Status.DONE}:
        item.status = Node.Status.DONE
    elif statuses <= {Node.Status.PLANNED}:
        item.status = Node.Status.PLANNED
    elif statuses <= {Node.Status.POSTPONED, Node.Status.PLANNED}:
        item.status = Node.Status.POSTPONED if Node.Status.POSTPONED in statuses else Node.Status.PLANNED
    else:
        item.status = Node.Status.IN_PROGRESS


def build_tree(
    version: PlanVersion, *, history: bool = True, measured_until: dt.date | None = None
) -> list[TreeNode]:
    """The version's objectives as TreeNodes (children, rolled-up progress and status, indicators).
    `history=False` keeps only each indicator's latest measurement (the public page needs no more);
    `measured_until` leaves out the measurements dated after that day (an adopted evaluation's)."""
    nodes = list(Node.objects.filter(version=version).select_related("lead").order_by("position", "pk"))
    # Indicators and measurements in two queries, grouped here (Django's prefetch costs a queryset per node).
    measurements: dict[int, list[Measurement]] = {}
    rows = Measurement.objects.filter(indicator__node__version=version)
    if measured_until is not None:
        rows = rows.filter(date__lte=measured_until)
    if history:
        for m in rows.order_by("date", "pk"):
            measurements.setdefault(m.indicator_id, []).append(m)
    else:
        for pk, indicator_id, date, value, source in rows.order_by(
            "indicator_id", "-date", "-pk"
        ).values_list("pk", "indicator_id", "date", "value", "source"):
            if indicator_id not in measurements:
                measurements[indicator_id] = [
                    Measurement(pk=pk, indicator_id=indicator_id, date=date, value=value, source=source)
                ]
    indicators: dict[int, list[IndicatorView]] = {}
    for ind in Indicator.objects.filter(node__version=version).order_by("position", "pk"):
        indicators.setdefault(ind.node_id, []).append(IndicatorView(ind, measurements.get(ind.pk, [])))
    items = {n.pk: TreeNode(node=n) for n in nodes}
    roots: list[TreeNode] = []
    for n in nodes:
        item = items[n.pk]
        item.indicators = indicators.get(n.pk, [])
        if n.parent_id and n.parent_id in items:
            items[n.parent_id].children.append(item)
        else:
            roots.append(item)
    for root in roots:
        _roll_up(root)
    return roots


def filter_tree(roots: list[TreeNode], *, objective: int | None = None, status: str = "") -> list[TreeNode]:
    """Keep one objective and/or the branches holding actions of one status (progress stays as computed)."""
    if objective:
        roots = [r for r in roots if r.node.pk == objective]
    if not status:
        return roots

    def prune(item: TreeNode) -> TreeNode | None:
        if item.node.kind == Node.Kind.ACTION:
            return item if item.status == status else None
        kept = [c for c in (prune(child) for child in item.children) if c is not None]
        if not kept:
            return None
        return TreeNode(
            node=item.node,
            children=kept,
            progress=item.progress,
            status=item.status,
            indicators=item.indicators,
        )

    return [r for r in (prune(root) for root in roots) if r is not None]


def find(roots: list[TreeNode], pk: int) -> TreeNode | None:
    for root in roots:
        for item in root.walk():
            if item.node.pk == pk:
                return item
    return None


def plan_summary(roots: list[TreeNode]) -> dict[str, Any]:
    """Overall figures: progress (objectives weighted), actions per status."""
    actions = [i for r in roots for i in r.walk() if i.node.kind == Node.Kind.ACTION]
    counted = [r for r in roots if r.counted]
    total = sum(r.node.weight for r in counted)
    by_status = dict.fromkeys(Node.Status.values, 0)
    for a in actions:
        by_status[a.status] += 1
    return {
        "progress": round(sum(r.progress * r.node.weight for r in counted) / total) if total else 0,
        "actions": len(actions),
        "by_status": [(Node.Status(s).label, s, n) for s, n in by_status.items()],
    }


def counts_text(by_status: list[tuple[str, str, int]]) -> str:
    """« 1 prévue, 11 en cours, 3 réalisées » (statuses with no action left out)."""
    parts = []
    for label, _code, count in by_status:
        if count:
            label = str(label)
            parts.append(f"{count} {label}{'s' if count > 1 and ' ' not in label else ''}")
    return ", ".join(parts)
