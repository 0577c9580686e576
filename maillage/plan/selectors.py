"""Page contexts of the plan: what each page shows, built from scoped reads (views stay thin).

Every function takes the person and the territory (or an object already fetched through a scoped queryset)
and returns plain data for a template; none writes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from maillage.core.machines import history
from maillage.core.models import Territory
from maillage.plan import permissions, report, roadmap
from maillage.plan.display import tree_rows
from maillage.plan.models import NODE_MACHINE, Contract, Evaluation, Node, PlanVersion
from maillage.plan.services import consultation_open, link_url, plenary_choices
from maillage.plan.tree import build_tree, filter_tree, find, plan_summary

Crumbs = list[tuple[str, str | None]]


def crumbs(*items: tuple[str, str | None]) -> Crumbs:
    return [("Accueil", reverse("core:home")), ("Contrat et plan d'actions", reverse("plan:index")), *items]


def plan_crumb(version: PlanVersion) -> tuple[str, str]:
    return (f"Plan {version.year}", reverse("plan:version", args=[version.year]))


def contract_for(territory: Territory | None) -> Contract | None:
    return Contract.objects.for_user(None, territory).first()


def current_objectives(territory: Territory, today: dt.date) -> list[str]:
    """The titles of the current plan's objectives (the home page's « objectifs du contrat »), in order."""
    version = PlanVersion.objects.current(territory, today)
    if version is None:
        return []
    return list(
        Node.objects.filter(version=version, kind=Node.Kind.OBJECTIVE, parent=None)
        .order_by("position", "pk")
        .values_list("title", flat=True)
    )


def index_context(
    user: Any, territory: Territory | None, *, year: int | None, today: dt.date, objective: str, status: str
) -> dict[str, Any]:
    """The accountability page: the plan of a year with progress, status and indicators; filters."""
    versions = list(PlanVersion.objects.for_user(user, territory))
    if year is None:
        version = PlanVersion.objects.current(territory, today)
    else:
        version = next((v for v in versions if v.year == year), None)
        if version is None:
            raise Http404("Aucun plan d'actions pour cette année.")
    roots = build_tree(version, history=False) if version is not None else []
    objective_id = int(objective) if objective.isdigit() else None
    if status not in Node.Status.values:
        status = ""
    shown = filter_tree(roots, objective=objective_id, status=status)
    return {
        "contract": contract_for(territory),
        "version": version,
        "evaluation": Evaluation.objects.filter(version=version).first() if version else None,
        "evaluations": Evaluation.objects.for_user(user, territory),
        "versions": versions,
        "rows": tree_rows(shown),
        "all_roots": roots,
        "summary": plan_summary(roots),
        "filtered": bool(objective_id or status),
        "selected_objective": objective_id,
        "selected_status": status,
        "statuses": Node.Status.choices,
        "can_edit": permissions.can_animate(user, territory),
        "breadcrumbs": [("Accueil", reverse("core:home")), ("Contrat et plan d'actions", None)],
    }


def node_context(user: Any, territory: Territory | None, node: Node) -> dict[str, Any]:
    """A node's public page: its branch of the tree, ancestors, links and status history."""
    item = find(build_tree(node.version), node.pk)
    if item is None:
        raise Http404
    ancestors = []
    cursor = node.parent
    while cursor is not None:
        ancestors.insert(0, cursor)
        cursor = cursor.parent
    # The status changes (a line from nothing, when there is one, is the creation, not a change).
    changes = [
        {
            "at": line.at,
            "from_label": NODE_MACHINE.label(line.from_state),
            "to_label": NODE_MACHINE.label(line.to_state),
            "note": line.note,
        }
        for line in history(node)
        if line.from_state
    ]
    return {
        "item": item,
        "rows": tree_rows(item.children),
        "node": node,
        "ancestors": ancestors,
        "links": [(link, link_url(link)) for link in node.links.select_related("content_type")],
        "status_changes": changes,
        "can_edit": permissions.can_animate(user, territory),
        "breadcrumbs": crumbs(plan_crumb(node.version), (str(node), None)),
    }


def roadmap_context(version: PlanVersion, *, by: str, today: dt.date) -> dict[str, Any]:
    """The « feuille de route »: timeline by semester or quarter, Gantt-like SVG with a table alternative."""
    rows = roadmap.build_rows(version, today)
    start, end = roadmap.chart_range(version, rows)
    return {
        "version": version,
        "by": by,
        "timeline": roadmap.timeline(rows, by),
        "chart": roadmap.chart(rows, start=start, end=end, today=today),
        "today": today,
        "breadcrumbs": crumbs(plan_crumb(version), ("Feuille de route", None)),
    }


def report_of(evaluation: Evaluation) -> dict[str, Any]:
    """The evaluation report: the frozen snapshot once adopted, else drafted from the plan as it is."""
    if evaluation.status == Evaluation.Status.ADOPTED:
        if evaluation.snapshot:
            return evaluation.snapshot
        adopted_on = timezone.localdate(evaluation.adopted_at) if evaluation.adopted_at else None
        return report.draft(evaluation.version, evaluation, as_of=adopted_on)
    return report.draft(evaluation.version, evaluation)


def report_context(evaluation: Evaluation) -> dict[str, Any]:
    data = report_of(evaluation)
    return {
        "evaluation": evaluation,
        "report": data,
        "indicators": report.indicators_of(data),
        "charts": report.charts(data),
        "counts_text": report.counts_text(data),
        "adopted": evaluation.status == Evaluation.Status.ADOPTED,
    }


def evaluation_context(user: Any, territory: Territory | None, evaluation: Evaluation) -> dict[str, Any]:
    year = evaluation.version.year
    is_animator = permissions.can_animate(user, territory)
    is_open = consultation_open(evaluation)
    context = report_context(evaluation)
    context.update(
        {
            "can_comment": is_open and permissions.can_comment(user, evaluation),
            "consultation_open": is_open,
            "is_animator": is_animator,
            "breadcrumbs": crumbs(plan_crumb(evaluation.version), (f"Évaluation {year}", None)),
        }
    )
    return context


def plenary_choices_for(territory: Territory, evaluation: Evaluation) -> list[tuple[int, str]]:
    """The agenda events offered as the plenary, plus the one already picked if it has left the window."""
    choices = plenary_choices(territory)
    if evaluation.plenary_object_id and evaluation.plenary_object_id not in dict(choices):
        choices.insert(0, (evaluation.plenary_object_id, evaluation.plenary_label))
    return choices
