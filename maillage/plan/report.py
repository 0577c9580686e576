"""The yearly evaluation report: drafted from the plan (what was done, indicators against targets, charts),
frozen as a JSON snapshot once adopted. The same dict shape serves the live draft and the snapshot, so the
HTML page and the PDF render both alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from maillage.plan.models import Evaluation, Node, PlanVersion
from maillage.plan.tree import TreeNode, build_tree, plan_summary

CHART_LABEL = 230
CHART_BAR = 300


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _node(item: TreeNode) -> dict[str, Any]:
    node = item.node
    return {
        "kind": node.kind,
        "kind_label": str(node.get_kind_display()),
        "number": node.number,
        "title": node.title,
        "status": item.status,
        "status_label": item.status_label,
        "progress": item.progress,
        "indicators": [
            {
                "title": iv.indicator.title,
                "unit": iv.indicator.unit,
                "baseline": _num(iv.indicator.baseline),
                "target": _num(iv.indicator.target),
                "latest": _num(iv.latest.value) if iv.latest else None,
                "latest_date": iv.latest.date.isoformat() if iv.latest else None,
                "attainment": iv.attainment,
            }
            for iv in item.indicators
        ],
        "children": [_node(child) for child in item.children],
    }


def draft(
    version: PlanVersion, evaluation: Evaluation | None = None, *, as_of: dt.date | None = None
) -> dict[str, Any]:
    """The report from the plan, with the measurements dated up to `as_of` (default: today) — an adopted
    report shows no measurement recorded for a day after its adoption."""
    as_of = as_of or timezone.localdate()
    roots = build_tree(version, measured_until=as_of)
    summary = plan_summary(roots)
    actions = [i for r in roots for i in r.walk() if i.node.kind == Node.Kind.ACTION]
    comments = []
    if evaluation is not None:
        comments = [
            {
                "structure": c.structure.name if c.structure else "",
                "text": c.text,
                "date": timezone.localtime(c.created_at).date().isoformat(),
            }
            for c in evaluation.comments.select_related("structure")
        ]
    return {
        "year": version.year,
        "title": str(version),
        "generated_on": as_of.isoformat(),
        "progress": summary["progress"],
        "counts": [
            {"label": str(label), "status": code, "count": n} for label, code, n in summary["by_status"]
        ],
        "objectives": [_node(r) for r in roots],
        "done": [
            {"number": a.node.number, "title": a.node.title} for a in actions if a.status == Node.Status.DONE
        ],
        "not_done": [
            {
                "number": a.node.number,
                "title": a.node.title,
                "status_label": a.status_label,
                "progress": a.progress,
            }
            for a in actions
            if a.status != Node.Status.DONE
        ],
        "comments": comments,
        "conclusions": evaluation.conclusions if evaluation else "",
        "next_year_changes": evaluation.next_year_changes if evaluation else "",
        "plenary_label": evaluation.plenary_label if evaluation else "",
        "plenary_url": evaluation.plenary_url if evaluation else "",
    }


def indicators_of(report: dict[str, Any]) -> list[dict[str, Any]]:
    out = []

    def walk(node: dict[str, Any]) -> None:
        for ind in node["indicators"]:
            out.append({**ind, "node": f"{node['kind_label']} {node['number']}".strip()})
        for child in node["children"]:
            walk(child)

    for objective in report["objectives"]:
        walk(objective)
    return out


def charts(report: dict[str, Any]) -> dict[str, Any]:
    """Bar charts (coordinates for server-rendered SVG): progress per objective, attainment per indicator."""

    def bars(items: list[tuple[str, int]]) -> dict[str, Any]:
        rows = [
            {"label": label, "value": value, "y": 8 + i * 30, "width": round(CHART_BAR * value / 100)}
            for i, (label, value) in enumerate(items)
        ]
        return {
            "rows": rows,
            "height": 16 + 30 * len(rows),
            "width": CHART_LABEL + CHART_BAR + 60,
            "x": CHART_LABEL,
        }

    objectives = [(f"Objectif {o['number']}".strip(), o["progress"]) for o in report["objectives"]]
    indicators = [
        (ind["title"][:34], ind["attainment"])
        for ind in indicators_of(report)
        if ind["attainment"] is not None
    ]
    return {"objectives": bars(objectives), "indicators": bars(indicators)}


def counts_text(report: dict[str, Any]) -> str:
    """« 6 actions prévues, 9 actions en cours, 1 action réalisée »."""
    parts = []
    for c in report["counts"]:
        if c["count"]:
            plural = "s" if c["count"] > 1 else ""
            label_plural = plural if " " not in c["label"] else ""
            parts.append(f"{c['count']} action{plural} {c['label']}{label_plural}")
    return ", ".join(parts)
