"""The plan tree as flat rows ready to print, for the accountability page and a node's page.

Rendering the tree with a recursive `{% include %}` per node, and resolving `node.get_kind_display`, URLs and
number formats in the template, cost about 1 s for a plan of 400 actions. Here each node becomes one row of
plain strings and numbers, computed once, and the template prints the rows in a single loop (the nested
lists are opened and closed by flags on the rows: `opens` after a node with children, `closes` the number of
levels that end after a node).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.urls import reverse

from maillage.core.text import long_date
from maillage.plan.models import Node
from maillage.plan.tree import IndicatorView, TreeNode

KIND_LABELS = {value: str(label) for value, label in Node.Kind.choices}
STATUS_LABELS = {value: str(label) for value, label in Node.Status.choices}
_PK = 987654321  # a placeholder id, replaced in the reversed URL of a node


@dataclass(slots=True)
class IndicatorRow:
    title: str
    computed: bool
    baseline: str  # « 40 structures » or « — »
    latest: str  # « 55 structures » or ""
    latest_date: str  # « mardi 1 juillet 2025 »
    target: str
    target_date: str
    attainment: int | None


@dataclass(slots=True)
class TreeRow:
    kind: str
    kind_label: str
    number: str
    title: str
    url: str
    status: str
    status_label: str
    progress: int
    lead: str
    partners: str
    indicators: list[IndicatorRow]
    caption: str
    opens: bool  # children follow: open a nested list
    empty_operational: bool
    closes: list[None] = field(default_factory=list)  # one entry per nested list closed after this row


def _with_unit(value: Decimal | None, unit: str) -> str:
    if value is None:
        return ""
    return f"{floatformat(value, '-2')} {unit}"


def indicator_rows(views: list[IndicatorView]) -> list[IndicatorRow]:
    rows = []
    for view in views:
        ind, latest = view.indicator, view.latest
        rows.append(
            IndicatorRow(
                title=ind.title,
                computed=bool(ind.metric_key),
                baseline=_with_unit(ind.baseline, ind.unit) or "—",
                latest=_with_unit(latest.value, ind.unit) if latest else "",
                latest_date=long_date(latest.date) if latest else "",
                target=_with_unit(ind.target, ind.unit) or "—",
                target_date=long_date(ind.target_date) if ind.target is not None and ind.target_date else "",
                attainment=view.attainment,
            )
        )
    return rows


def tree_rows(roots: list[TreeNode], *, caption: str = "Indicateurs de « {title} »") -> list[TreeRow]:
    """The nodes under `roots` (roots included), depth first, as rows."""
    url = reverse("plan:node", args=[_PK])
    rows: list[TreeRow] = []

    def add(item: TreeNode) -> None:
        node = item.node
        is_action = node.kind == Node.Kind.ACTION
        lead = ""
        if is_action and (node.lead_id or node.lead_label):
            lead = node.lead.name if node.lead_id and node.lead else node.lead_label
        row = TreeRow(
            kind=node.kind,
            kind_label=KIND_LABELS[node.kind][:1].upper() + KIND_LABELS[node.kind][1:],
            number=node.number,
            title=node.title,
            url=url.replace(str(_PK), str(node.pk)),
            status=item.status,
            status_label=STATUS_LABELS[item.status],
            progress=item.progress,
            lead=lead,
            partners=node.partners_label if is_action else "",
            indicators=indicator_rows(item.indicators),
            caption=caption.format(title=node.title),
            opens=bool(item.children),
            empty_operational=not item.children and node.kind == Node.Kind.OPERATIONAL,
        )
        rows.append(row)
        for child in item.children:
            add(child)
        if item.children:
            rows[-1].closes.append(None)

    for root in roots:
        add(root)
    return rows
