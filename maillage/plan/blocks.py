"""What the plan offers others through the registry: « un point du plan » (a content block for the lettre and
the home page) and the plan's actions as link targets (a need, an event may point to the action it serves)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from maillage.core.models import Territory
from maillage.core.registry import ContentBlock
from maillage.plan.models import Node, NodeTransition, PlanVersion
from maillage.plan.tree import build_tree, counts_text, plan_summary


def plan_point(*, territory: Territory, since: Any = None, options: Any = None) -> ContentBlock | None:
    """« Un point du plan »: overall progress, actions per status, actions done since `since` (30 days by
    default). None when the territory has no plan."""
    today = timezone.localdate()
    version = PlanVersion.objects.current(territory, today)
    if version is None:
        return None
    summary = plan_summary(build_tree(version))
    if isinstance(since, dt.datetime):
        since_date = timezone.localdate(since) if timezone.is_aware(since) else since.date()
    elif isinstance(since, dt.date):
        since_date = since
    else:
        since_date = today
    if since_date >= today:
        since_date = today - dt.timedelta(days=30)
    done = list(
        NodeTransition.objects.filter(
            node__version=version, to_state=Node.Status.DONE, at__date__gte=since_date
        ).select_related("node")
    )
    url = territory.absolute_url(reverse("plan:version", args=[version.year]))
    counts = counts_text(summary["by_status"])
    text_lines = [
        f"{version} : avancement d'ensemble {summary['progress']} % "
        f"({summary['actions']} actions : {counts}).",
        *[f"Action réalisée : {c.node.title}" for c in done],
        f"Tout le plan : {url}",
    ]
    html = format_html(
        "<p>{} : avancement d'ensemble <strong>{} %</strong> ({} actions : {}).</p>{}"
        '<p><a href="{}">Voir tout le plan d’actions</a></p>',
        str(version),
        summary["progress"],
        summary["actions"],
        counts,
        format_html(
            "<ul>{}</ul>", format_html_join("", "<li>Réalisée : {}</li>", ((c.node.title,) for c in done))
        )
        if done
        else "",
        url,
    )
    return ContentBlock(title="Un point du plan d'actions", html=str(html), text="\n".join(text_lines))


def action_choices(territory: Territory) -> list[tuple[int, str]]:
    version = PlanVersion.objects.current(territory, timezone.localdate())
    if version is None:
        return []
    return [
        (node.pk, f"{node.number} {node.title}".strip()[:200])
        for node in Node.objects.filter(version=version, kind=Node.Kind.ACTION).order_by("number", "pk")
    ]


def action_url(node: Node) -> str:
    return reverse("plan:node", args=[node.pk])
