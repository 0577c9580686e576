"""Importing a plan's CSV/XLSX file (read by `transfer.py`) into a yearly plan, through the plan's services.

The whole import is one transaction: one bad row and nothing is written; a dry run checks everything, lists
what would be created or updated line by line, and rolls back. It is not a batch: a person posts one file of
at most `transfer.MAX_ROWS` rows of one plan and waits for the report, no network call happens inside, and
an all-or-nothing result is what the page promises (« rien n'a été importé »); so it is not chunked.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from maillage.actors.models import Structure
from maillage.core.actors import Actor
from maillage.plan import transfer
from maillage.plan.models import (
    Indicator,
    Means,
    Measurement,
    Milestone,
    Node,
    PlanVersion,
    ScheduleEntry,
)
from maillage.plan.permissions import check_animator
from maillage.plan.services.indicators import (
    add_indicator,
    record_measurement,
    update_indicator,
    update_measurement,
)
from maillage.plan.services.items import (
    add_means,
    add_milestone,
    add_schedule_entry,
    set_item_ref,
    update_means,
    update_milestone,
    update_schedule_entry,
)
from maillage.plan.services.nodes import (
    change_status,
    create_node,
    date_warnings,
    set_node_ref,
    set_progress,
    update_node,
)
from maillage.plan.transfer_match import Matcher
from maillage.plan.values import parse_progress


def import_plan(
    *, actor: Actor, version: PlanVersion, rows: Sequence[dict[str, str]], dry_run: bool
) -> transfer.ImportReport:
    """Apply `rows` to `version` in one transaction; raise `transfer.ImportFailed` (nothing written) on any
    row error. A dry run reports what would happen and writes nothing."""
    check_animator(actor, version.contract.territory)
    report = transfer.ImportReport(dry_run=dry_run)
    structures = {
        s.slug: s
        for s in Structure.objects.filter(
            territory=version.contract.territory, status=Structure.Status.PUBLISHED
        )
    }
    # Parents first: objectives, then operational objectives, then actions (file order kept within a level).
    numbered = list(enumerate(rows, start=2))  # row 1 is the header
    parsed: list[tuple[int, dict[str, str], dict[str, Any] | None]] = []
    for line, row in numbered:
        try:
            parsed.append((line, row, transfer.parse_row(row, structures)))
        except ValidationError as error:
            report.errors.append((line, transfer.error_text(error)))
            parsed.append((line, row, None))
    # Items after every node, measurements after indicators, so that their parent may be created by the
    # same file (the sort is stable: file order is kept within a rank).
    parsed.sort(key=transfer.rank)
    try:
        with transaction.atomic():
            existing = {str(n.ref): n for n in Node.objects.filter(version=version)}
            items: dict[str, dict[str, Any]] = {
                transfer.MEANS: {
                    str(m.ref): m for m in Means.objects.filter(node__version=version).select_related("node")
                },
                transfer.SCHEDULE: {
                    str(e.ref): e
                    for e in ScheduleEntry.objects.filter(node__version=version).select_related("node")
                },
                transfer.MILESTONE: {
                    str(m.ref): m
                    for m in Milestone.objects.filter(node__version=version).select_related("node")
                },
                transfer.INDICATOR: {
                    str(i.ref): i
                    for i in Indicator.objects.filter(node__version=version).select_related("node")
                },
                transfer.MEASUREMENT: {
                    str(m.ref): m
                    for m in Measurement.objects.filter(indicator__node__version=version).select_related(
                        "indicator"
                    )
                },
            }
            seen: set[str] = set()
            matcher = Matcher(version, existing, items)
            for line, row, data in parsed:
                if data is None:
                    continue
                try:
                    if data["_type"] == transfer.NODE:
                        _apply(actor, version, row, data, existing, seen, report, line, matcher)
                    else:
                        _apply_item(actor, version, row, data, existing, items, seen, report, line, matcher)
                except ValidationError as error:
                    report.errors.append((line, transfer.error_text(error)))
            if report.errors or dry_run:
                transaction.set_rollback(True)
    finally:
        report.errors.sort()
        report.changes.sort()
    if report.errors:
        raise transfer.ImportFailed(report)
    return report


def _create_item(actor: Actor, row_type: str, parent: Any, fields: dict[str, Any]) -> Any:
    if row_type == transfer.MEANS:
        return add_means(actor=actor, node=parent, **fields)
    if row_type == transfer.SCHEDULE:
        return add_schedule_entry(actor=actor, node=parent, **fields)
    if row_type == transfer.MILESTONE:
        return add_milestone(actor=actor, node=parent, **fields)
    if row_type == transfer.INDICATOR:
        return add_indicator(actor=actor, node=parent, **fields)
    return record_measurement(actor=actor, indicator=parent, **fields)


def _update_item(actor: Actor, row_type: str, item: Any, fields: dict[str, Any]) -> Any:
    if row_type == transfer.MEANS:
        return update_means(actor=actor, means=item, **fields)
    if row_type == transfer.SCHEDULE:
        return update_schedule_entry(actor=actor, entry=item, **fields)
    if row_type == transfer.MILESTONE:
        return update_milestone(actor=actor, milestone=item, **fields)
    if row_type == transfer.INDICATOR:
        return update_indicator(actor=actor, indicator=item, **fields)
    return update_measurement(actor=actor, measurement=item, **fields)


def _apply_item(
    actor: Actor,
    version: PlanVersion,
    row: dict[str, str],
    data: dict[str, Any],
    existing: dict[str, Node],
    items: dict[str, dict[str, Any]],
    seen: set[str],
    report: transfer.ImportReport,
    line: int,
    matcher: Matcher,
) -> None:
    """An item row (means, schedule entry, milestone, indicator, measurement): update the item with that
    identifiant, or create it on its parent — a node, or for a measurement an indicator."""
    row_type = data["_type"]
    ref = transfer.read_ref(row, seen)
    parent_ref = row.get("parent", "").strip().lower()
    if row_type == transfer.MEASUREMENT:
        if not parent_ref:
            raise ValidationError(
                "« parent » : indiquez l'identifiant de l'indicateur que la mesure renseigne."
            )
        parent = items[transfer.INDICATOR].get(parent_ref)
        if parent is None:
            raise ValidationError(
                f"Indicateur inconnu « {parent_ref} » : il n'est ni dans le plan {version.year} ni dans le "
                "fichier (le « parent » d'une mesure est l'identifiant de son indicateur)."
            )
    else:
        if not parent_ref:
            raise ValidationError(
                f"« parent » : indiquez l'identifiant du nœud auquel {transfer.THIS[row_type]} se rattache."
            )
        parent = existing.get(parent_ref)
        if parent is None:
            raise ValidationError(
                f"Parent inconnu « {parent_ref} » : il n'est ni dans le plan {version.year} "
                "ni dans le fichier."
            )
    fields = {k: v for k, v in data.items() if not k.startswith("_")}
    known = items[row_type]
    item = known.get(ref) if ref else None
    if item is None:
        # An identifiant unknown here (another installation's file) or none: what names the item on its
        # parent finds it, so that importing again updates instead of duplicating.
        item = matcher.item(row_type, parent, fields)
        if item is not None and ref:
            known[ref] = item
    if item is None:
        item = _create_item(actor, row_type, parent, fields)
        if ref:
            set_item_ref(actor=actor, item=item, ref=uuid.UUID(ref))
        known[str(item.ref)] = item
        matcher.add_item(row_type, item)
        matcher.claim(row_type, item.pk, line)
        report.created += 1
        report.changes.append((line, "création", transfer.describe(row_type, item)))
        return
    if row_type == transfer.MEASUREMENT:
        if item.source != Measurement.Source.MANUAL:
            raise ValidationError("Cette mesure est calculée par la plateforme : elle ne s'importe pas.")
        if item.indicator_id != parent.pk:
            raise ValidationError(
                f"Cette mesure renseigne l'indicateur « {item.indicator.ref} » : "
                "un import ne la rattache pas à un autre indicateur."
            )
    elif item.node_id != parent.pk:
        raise ValidationError(
            f"{transfer.THIS[row_type].capitalize()} se rattache au nœud « {item.node.ref} » : "
            "un import ne change pas le nœud d'un élément."
        )
    matcher.claim(row_type, item.pk, line)
    if all(getattr(item, k) == v for k, v in fields.items()):
        report.unchanged += 1
        return
    item = _update_item(actor, row_type, item, fields)
    known[str(item.ref)] = item
    if ref:
        known[ref] = item
    report.updated += 1
    report.changes.append((line, "modification", transfer.describe(row_type, item)))


def _apply(
    actor: Actor,
    version: PlanVersion,
    row: dict[str, str],
    data: dict[str, Any],
    existing: dict[str, Node],
    seen: set[str],
    report: transfer.ImportReport,
    line: int,
    matcher: Matcher,
) -> None:
    ref = transfer.read_ref(row, seen)
    parent_ref = row.get("parent", "").strip().lower()
    parent = None
    if parent_ref:
        parent = existing.get(parent_ref)
        if parent is None:
            raise ValidationError(
                f"Parent inconnu « {parent_ref} » : il n'est ni dans le plan {version.year} "
                "ni dans le fichier."
            )
    fields = {k: v for k, v in data.items() if not k.startswith("_")}
    fields["parent"] = parent
    partners = data["_partners"]
    node = existing.get(ref) if ref else None
    if node is None:
        # An identifiant unknown here (another installation's file) or none: the number within the version
        # finds the node, so that importing again updates instead of duplicating.
        node = matcher.node(data)
        if node is not None and ref:
            existing[ref] = node
    if node is None:
        node, warnings = create_node(actor=actor, version=version, data=fields, partners=partners)
        if ref:
            node = set_node_ref(actor=actor, node=node, ref=uuid.UUID(ref))
        existing[str(node.ref)] = node
        matcher.add_node(node)
        matcher.claim(transfer.NODE, node.pk, line)
        _follow_up(actor, node, data, existing, ref)
        report.created += 1
        report.changes.append((line, "création", transfer.describe(transfer.NODE, node)))
    else:
        matcher.claim(transfer.NODE, node.pk, line)
        changed = any(getattr(node, k) != v for k, v in fields.items()) or set(node.partners.all()) != set(
            partners
        )
        if changed:
            node, warnings = update_node(actor=actor, node=node, data=fields, partners=partners)
            existing[str(node.ref)] = node
            if ref:
                existing[ref] = node
        else:
            warnings = date_warnings(node)
        changed = _follow_up(actor, node, data, existing, ref) or changed
        if changed:
            report.updated += 1
            report.changes.append((line, "modification", transfer.describe(transfer.NODE, node)))
        else:
            report.unchanged += 1
    report.warnings.extend((line, w) for w in warnings)


def _follow_up(
    actor: Actor, node: Node, data: dict[str, Any], existing: dict[str, Node], ref: str = ""
) -> bool:
    """An action's status (along the status table, logged) and progress. True when something changed."""
    if node.kind != Node.Kind.ACTION:
        return False
    changed = False
    if data["_status"]:
        status = transfer.parse_choice(data["_status"], transfer.STATUS_LABELS, "statut")
        if status != node.status:
            node = change_status(actor=actor, node=node, to_status=status, note="Import du plan")
            changed = True
    if data["_progress"] != "":
        progress = parse_progress(data["_progress"])
        if node.status == Node.Status.DONE:
            progress = 100  # a done action is at 100 %, whatever the file says
        if progress != node.progress:
            node = set_progress(actor=actor, node=node, progress=progress)
            changed = True
    existing[str(node.ref)] = node
    if ref:
        existing[ref] = node  # the file's identifiant, when it matched a node of another identifiant
    return changed
