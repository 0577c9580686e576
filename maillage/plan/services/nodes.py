"""The plan's tree: nodes (typed objective → operational objective → action), an action's status (core's
machine, `NODE_MACHINE`) and progress."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from maillage.actors.models import Structure
from maillage.core.actors import Actor
from maillage.core.machines import TransitionError, history, transition
from maillage.plan.models import NODE_MACHINE, PARENT_KIND, Node, PlanVersion
from maillage.plan.permissions import check_animator
from maillage.plan.services._common import record_history
from maillage.plan.values import parse_progress

# --- nodes -------------------------------------------------------------------------------------------

NODE_FIELDS = (
    "kind",
    "parent",
    "number",
    "position",
    "title",
    "description",
    "weight",
    "starts_on",
    "ends_on",
    "lead",
    "lead_label",
    "partners_label",
)


def _check_parent(node: Node) -> None:
    """The typing (objective → operational objective → action) and no cycle."""
    expected = PARENT_KIND[node.kind]
    parent = node.parent
    if expected is None:
        if parent is not None:
            raise ValidationError({"parent": "Un objectif se place à la racine du plan, sans parent."})
        return
    if parent is None:
        raise ValidationError(
            {"parent": f"Un élément de niveau « {node.get_kind_display()} » doit avoir un parent."}
        )
    if parent.version_id != node.version_id:
        raise ValidationError({"parent": "Le parent doit appartenir au même plan d'actions annuel."})
    seen = {node.pk} if node.pk else set()
    cursor: Node | None = parent
    while cursor is not None:
        if cursor.pk in seen:
            raise ValidationError(
                {
                    "parent": "Ce parent créerait une boucle dans le plan : un élément ne peut "
                    "pas être placé sous lui-même ou sous l'un de ses descendants."
                }
            )
        seen.add(cursor.pk)
        cursor = cursor.parent
    if parent.kind != expected:
        label = Node.Kind(expected).label
        raise ValidationError(
            {"parent": f"Un élément de niveau « {node.get_kind_display()} » se place sous un « {label} »."}
        )


def date_warnings(node: Node) -> list[str]:
    """Warnings (not errors): dates reversed or outside the parent's."""
    warnings = []
    parent = node.parent
    if parent is not None and (parent.starts_on or parent.ends_on):
        if parent.starts_on and node.starts_on and node.starts_on < parent.starts_on:
            warnings.append(
                f"« {node.title} » commence avant son élément parent « {parent.title} » "
                f"({parent.starts_on:%d/%m/%Y})."
            )
        if parent.ends_on and node.ends_on and node.ends_on > parent.ends_on:
            warnings.append(
                f"« {node.title} » se termine après son élément parent « {parent.title} » "
                f"({parent.ends_on:%d/%m/%Y})."
            )
    return warnings


def _validate_node(node: Node) -> None:
    errors: dict[str, str] = {}
    if node.kind not in Node.Kind.values:
        raise ValidationError({"kind": "Ce niveau n'existe pas (objectif, objectif opérationnel ou action)."})
    if not (node.title or "").strip():
        errors["title"] = "Donnez un intitulé."
    if not isinstance(node.weight, int) or not 1 <= node.weight <= 100:
        errors["weight"] = "Le poids est un nombre entier de 1 à 100."
    if node.starts_on and node.ends_on and node.ends_on < node.starts_on:
        errors["ends_on"] = "La fin prévue précède le début."
    if node.lead is not None and node.lead.territory_id != node.version.contract.territory_id:
        errors["lead"] = "La structure pilote doit être du territoire."
    if errors:
        raise ValidationError(errors)
    _check_parent(node)


@transaction.atomic
def create_node(
    *, actor: Actor, version: PlanVersion, data: dict[str, Any], partners: list[Structure] | None = None
) -> tuple[Node, list[str]]:
    """Add a node to `version`. Returns the node and date warnings."""
    check_animator(actor, version.contract.territory)
    unknown = set(data) - set(NODE_FIELDS)
    if unknown:
        raise ValidationError(f"Champs inconnus : {', '.join(sorted(unknown))}.")
    node = Node(version=version, **data)
    if "position" not in data:
        node.position = Node.objects.filter(version=version, parent=node.parent).count() + 1
    _validate_node(node)
    record_history(node, actor, "Élément ajouté")
    node.save()
    if partners is not None:
        _set_partners(node, partners)
    return node, date_warnings(node)


def _set_partners(node: Node, partners: list[Structure]) -> None:
    territory_id = node.version.contract.territory_id
    if any(p.territory_id != territory_id for p in partners):
        raise ValidationError({"partners": "Les structures partenaires doivent être du territoire."})
    node.partners.set(partners)


@transaction.atomic
def update_node(
    *, actor: Actor, node: Node, data: dict[str, Any], partners: list[Structure] | None = None
) -> tuple[Node, list[str]]:
    """Change a node's fields (moving it under another parent included). Returns date warnings."""
    node = Node.objects.select_for_update().select_related("version__contract").get(pk=node.pk)
    check_animator(actor, node.version.contract.territory)
    unknown = set(data) - set(NODE_FIELDS)
    if unknown:
        raise ValidationError(f"Champs inconnus : {', '.join(sorted(unknown))}.")
    if "kind" in data and data["kind"] != node.kind and node.children.exists():
        raise ValidationError({"kind": "On ne change pas le niveau d'un élément qui a des sous-éléments."})
    for key, value in data.items():
        setattr(node, key, value)
    _validate_node(node)
    record_history(node, actor, "Élément modifié")
    node.save()
    if partners is not None:
        _set_partners(node, partners)
    return node, date_warnings(node)


@transaction.atomic
def set_node_ref(*, actor: Actor, node: Node, ref: uuid.UUID) -> Node:
    """Give a node the stable identifiant a file names it by (an import from another installation)."""
    check_animator(actor, node.version.contract.territory)
    if Node.objects.filter(version=node.version, ref=ref).exclude(pk=node.pk).exists():
        raise ValidationError("Cet identifiant est déjà celui d'un autre élément du plan.")
    node.ref = ref
    record_history(node, actor, "Identifiant repris du fichier")
    node.save(update_fields=["ref"])
    return node


@transaction.atomic
def delete_node(*, actor: Actor, node: Node) -> None:
    check_animator(actor, node.version.contract.territory)
    record_history(node, actor, "Élément supprimé")
    node.delete()


def allowed_statuses(node: Node) -> tuple[str, ...]:
    """The statuses an action may go to from its own, in the order of the statuses."""
    allowed = NODE_MACHINE.allowed(node.status)
    return tuple(status for status in Node.Status.values if status in allowed)


@transaction.atomic
def change_status(
    *, actor: Actor, node: Node, to_status: str, note: str = "", at: dt.datetime | None = None
) -> Node:
    """Move an action along `NODE_MACHINE` (logged in NodeTransition with the actor). « Réalisée » sets
    progress to 100 %. `at` backdates the log line (the demo's « points d'étape »)."""
    node = Node.objects.select_for_update().select_related("version__contract").get(pk=node.pk)
    check_animator(actor, node.version.contract.territory)
    if node.kind != Node.Kind.ACTION:
        raise ValidationError(
            "Seules les actions ont un statut ; celui des objectifs se déduit de leurs actions."
        )
    if to_status not in Node.Status.values:
        raise ValidationError({"status": "Ce statut n'existe pas."})
    also = {"progress": 100} if to_status == Node.Status.DONE else {}
    try:
        transition(node, to_status, actor=actor, note=note, also=also)
    except TransitionError:
        raise ValidationError(
            {
                "status": f"Une action « {node.get_status_display()} » ne peut pas passer à "
                f"« {Node.Status(to_status).label} »."
            }
        ) from None
    last = history(node).last()
    if at is not None and last is not None:
        history(node).filter(pk=last.pk).update(at=at)
    return node


@transaction.atomic
def set_progress(*, actor: Actor, node: Node, progress: Any) -> Node:
    node = Node.objects.select_for_update().select_related("version__contract").get(pk=node.pk)
    check_animator(actor, node.version.contract.territory)
    value = parse_progress(progress)
    if node.kind != Node.Kind.ACTION:
        raise ValidationError(
            {"progress": "L'avancement des objectifs se calcule à partir de leurs actions."}
        )
    if node.status == Node.Status.DONE and value != 100:
        raise ValidationError({"progress": "Une action réalisée est à 100 % ; rouvrez-la d'abord."})
    node.progress = value
    record_history(node, actor, f"Avancement : {value} %")
    node.save()
    return node
