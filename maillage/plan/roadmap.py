"""The roadmap (« feuille de route »): a timeline by semester or quarter, and a Gantt-like chart.

Everything is computed here and drawn by the template as server-rendered SVG (no JavaScript), with the same
content as a table beside it. Vague dates are drawn as what they are: a schedule entry or milestone known to
the semester is a band over the whole semester, not a point; « en cours » is a band up to today, open-ended.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from maillage.plan.dates import MONTHS_FR, Precision, describe_date, period_bounds
from maillage.plan.models import Milestone, Node, PlanVersion, ScheduleEntry

LABEL_WIDTH = 250
MONTH_WIDTH = 22
ROW_HEIGHT = 28
HEADER_HEIGHT = 44


def month_index(date: dt.date) -> int:
    return date.year * 12 + date.month - 1


def semester_key(date: dt.date) -> tuple[int, int]:
    return (date.year, 1 if date.month <= 6 else 2)


def quarter_key(date: dt.date) -> tuple[int, int]:
    return (date.year, (date.month - 1) // 3 + 1)


def period_label(key: tuple[int, int], by: str) -> str:
    year, part = key
    if by == "quarter":
        return f"{'1er' if part == 1 else f'{part}e'} trimestre {year}"
    return f"{'1er' if part == 1 else '2d'} semestre {year}"


@dataclass
class Item:
    """One dated thing of the plan: a schedule entry, a milestone or an action's own period."""

    kind: str  # "schedule", "milestone", "action"
    node: Node
    label: str
    when: str
    start: dt.date
    end: dt.date
    precise: bool  # a day: drawn as a point (diamond); else a band
    ongoing: bool = False
    reached: bool = False


@dataclass
class Row:
    node: Node
    depth: int
    items: list[Item] = field(default_factory=list)
    # drawing
    y: int = 0
    shapes: list[dict] = field(default_factory=list)


def _item_for_entry(entry: ScheduleEntry, today: dt.date) -> Item | None:
    start, end = entry.bounds
    ongoing = entry.precision == Precision.ONGOING
    if start is None and ongoing:
        start = entry.node.version.contract.starts_on  # « en cours », undated: since the contract started
    if start is None:
        return None
    if end is None:
        end = max(today, start)
    return Item(
        kind="schedule",
        node=entry.node,
        label=entry.label,
        when=entry.when,
        start=start,
        end=end,
        precise=entry.precision == Precision.DAY and not entry.until,
        ongoing=ongoing,
    )


def _item_for_milestone(milestone: Milestone) -> Item:
    start, end = period_bounds(milestone.date, milestone.precision)
    return Item(
        kind="milestone",
        node=milestone.node,
        label=milestone.title,
        when=milestone.when,
        start=start or milestone.date,
        end=end or milestone.date,
        precise=milestone.precision == Precision.DAY,
        reached=milestone.reached_on is not None,
    )


def _item_for_action(node: Node, today: dt.date) -> Item | None:
    if node.starts_on is None:
        return None
    end = node.ends_on or max(today, node.starts_on)
    when = f"du {node.starts_on:%d/%m/%Y}" + (
        f" au {node.ends_on:%d/%m/%Y}" if node.ends_on else ", sans fin prévue"
    )
    return Item(
        kind="action",
        node=node,
        label=f"Période de l'action ({node.get_status_display()})",
        when=when,
        start=node.starts_on,
        end=end,
        precise=False,
        ongoing=node.ends_on is None,
    )


def build_rows(version: PlanVersion, today: dt.date) -> list[Row]:
    nodes = list(
        Node.objects.filter(version=version)
        .prefetch_related("schedule", "milestones")
        .order_by("position", "pk")
    )
    children: dict[int | None, list[Node]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    rows: list[Row] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for node in children.get(parent_id, []):
            row = Row(node=node, depth=depth)
            action_item = _item_for_action(node, today) if node.kind == Node.Kind.ACTION else None
            if action_item:
                row.items.append(action_item)
            row.items += [i for i in (_item_for_entry(e, today) for e in node.schedule.all()) if i]
            row.items += [_item_for_milestone(m) for m in node.milestones.all()]
            if row.items or node.kind != Node.Kind.OPERATIONAL:
                rows.append(row)
            walk(node.pk, depth + 1)

    walk(None, 0)
    return rows


def timeline(rows: list[Row], by: str = "semester") -> list[tuple[str, list[Item]]]:
    """The « feuille de route »: dated items grouped by semester (or quarter) of their start, in order;
    « en cours » items apart, first."""
    key = quarter_key if by == "quarter" else semester_key
    groups: dict[tuple[int, int], list[Item]] = {}
    ongoing: list[Item] = []
    for row in rows:
        for item in row.items:
            if item.kind == "action":
                continue
            if item.ongoing:
                ongoing.append(item)
            else:
                groups.setdefault(key(item.start), []).append(item)
    out = [("En cours", ongoing)] if ongoing else []
    for period in sorted(groups):
        out.append((period_label(period, by), sorted(groups[period], key=lambda i: (i.start, i.end))))
    return out


def chart(rows: list[Row], *, start: dt.date, end: dt.date, today: dt.date) -> dict:
    """Coordinates for the SVG Gantt: one line per row, months as columns, bands and points."""
    first, last = month_index(start), month_index(end)
    months = last - first + 1

    def x(date: dt.date, *, end_of_day: bool = False) -> int:
        days = calendar.monthrange(date.year, date.month)[1]
        position = month_index(date) - first + (date.day - (0 if end_of_day else 1)) / days
        position = max(0.0, min(float(months), position))
        return LABEL_WIDTH + round(position * MONTH_WIDTH)

    y = HEADER_HEIGHT
    for row in rows:
        row.y = y
        row.shapes = []
        for item in row.items:
            x1, x2 = x(item.start), x(item.end, end_of_day=True)
            if item.precise:
                cx = x1
                row.shapes.append({"type": "point", "cx": cx, "cy": y + ROW_HEIGHT // 2, "item": item})
            else:
                row.shapes.append(
                    {
                        "type": "bar" if item.kind == "action" else "band",
                        "x": x1,
                        "y": y + (8 if item.kind == "action" else 4),
                        "width": max(4, x2 - x1),
                        "height": ROW_HEIGHT - (16 if item.kind == "action" else 8),
                        "item": item,
                    }
                )
        y += ROW_HEIGHT
    ticks = []
    for i in range(months):
        index = first + i
        year, month = divmod(index, 12)
        ticks.append(
            {
                "x": LABEL_WIDTH + i * MONTH_WIDTH,
                "label": MONTHS_FR[month][0].upper(),
                "year": year if month == 0 or i == 0 else None,
                "semester_start": month in (0, 6),
            }
        )
    today_x = x(today) if start <= today <= end else None
    return {
        "width": LABEL_WIDTH + months * MONTH_WIDTH + 8,
        "height": y + 8,
        "ticks": ticks,
        "today_x": today_x,
        "label_width": LABEL_WIDTH,
        "header_height": HEADER_HEIGHT,
        "rows": rows,
    }


def chart_range(version: PlanVersion, rows: list[Row]) -> tuple[dt.date, dt.date]:
    """The contract's span, widened to whatever the plan dates beyond it."""
    contract = version.contract
    start, end = contract.starts_on, contract.ends_on
    for row in rows:
        for item in row.items:
            start, end = min(start, item.start), max(end, item.end)
    return dt.date(start.year, start.month, 1), end


__all__ = ["build_rows", "chart", "chart_range", "describe_date", "timeline"]
