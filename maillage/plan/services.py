"""Writes of the plan. Every function is keyword-only, typed, runs in one transaction, and raises a French
`ValidationError` (nothing changed) on bad input or `PermissionDenied` when the actor may not animate the
territory. `actor` None is the system (the demo, the periodic job).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.actors.models import Structure
from maillage.core.models import Territory
from maillage.core.registry import registry
from maillage.plan import report
from maillage.plan.models import (
    PARENT_KIND,
    PLENARY_TARGET,
    STATUS_TRANSITIONS,
    Contract,
    ContractDocument,
    Evaluation,
    EvaluationComment,
    Indicator,
    Link,
    Means,
    Measurement,
    Milestone,
    Node,
    PlanVersion,
    Precision,
    ScheduleEntry,
    StatusChange,
)


def check_animator(actor: Any, territory: Territory) -> None:
    if actor is not None and not actor.has_perm("core.animate_territory", territory):
        raise PermissionDenied(
            "Seule l'animation du territoire peut modifier le contrat et son plan d'actions."
        )


def _history(obj: Any, actor: Any, reason: str) -> None:
    obj._history_user = actor
    obj._change_reason = reason


# --- contract and versions ---------------------------------------------------------------------------

CONTRACT_FIELDS = (
    "title",
    "summary",
    "parties",
    "signed_on",
    "starts_on",
    "ends_on",
    "animator",
    "animator_label",
)


@transaction.atomic
def save_contract(*, actor: Any, territory: Territory, data: dict[str, Any]) -> Contract:
    """Create the territory's contract or update it with `data` (keys of CONTRACT_FIELDS)."""
    check_animator(actor, territory)
    unknown = set(data) - set(CONTRACT_FIELDS)
    if unknown:
        raise ValidationError(f"Champs inconnus : {', '.join(sorted(unknown))}.")
    contract = Contract.objects.filter(territory=territory).first() or Contract(territory=territory)
    for key, value in data.items():
        setattr(contract, key, value)
    errors: dict[str, str] = {}
    if not (contract.title or "").strip():
        errors["title"] = "Donnez un intitulé au contrat."
    if not contract.starts_on or not contract.ends_on:
        errors["ends_on"] = "Indiquez le début et la fin du contrat."
    elif contract.ends_on <= contract.starts_on:
        errors["ends_on"] = "La fin du contrat doit être postérieure à son début."
    if contract.signed_on and contract.ends_on and contract.signed_on > contract.ends_on:
        errors["signed_on"] = "La signature ne peut pas suivre la fin du contrat."
    if contract.animator is not None and not contract.animator.is_animator_of(territory):
        errors["animator"] = "Cette personne n'anime pas le territoire."
    if errors:
        raise ValidationError(errors)
    _history(contract, actor, "Contrat enregistré")
    contract.save()
    return contract


@transaction.atomic
def add_contract_document(*, actor: Any, contract: Contract, title: str, url: str) -> ContractDocument:
    check_animator(actor, contract.territory)
    if not title.strip():
        raise ValidationError({"title": "Donnez un titre au document."})
    if not url.startswith(("https://", "http://", "/")):
        raise ValidationError(
            {"url": "L'adresse du document commence par https:// (ou / pour une page du site)."}
        )
    doc = ContractDocument(
        contract=contract, title=title.strip(), url=url, position=contract.documents.count()
    )
    _history(doc, actor, "Document ajouté")
    doc.save()
    return doc


def _check_year(contract: Contract, year: int) -> None:
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": "Indiquez une année à quatre chiffres."})
    if PlanVersion.objects.filter(contract=contract, year=year).exists():
        raise ValidationError({"year": f"Le plan d'actions {year} existe déjà."})


@transaction.atomic
def create_version(*, actor: Any, contract: Contract, year: int, title: str = "") -> PlanVersion:
    check_animator(actor, contract.territory)
    _check_year(contract, year)
    version = PlanVersion(contract=contract, year=year, title=title.strip())
    _history(version, actor, "Plan d'actions créé")
    version.save()
    return version


@transaction.atomic
def copy_version(*, actor: Any, version: PlanVersion, year: int) -> PlanVersion:
    """Next year's plan as a copy of `version`: every node (same `ref`), its means, schedule, milestones,
    indicators (same `ref`, without measurements) and links. Statuses and progress carry over.

    A bounded number of queries whatever the size of the plan: nodes are inserted level by level (parents
    first, so that children know their parent's new id), everything else in one insert per model, each with
    its history rows (reason « Copie du plan … », the actor as author)."""
    contract = version.contract
    check_animator(actor, contract.territory)
    _check_year(contract, year)
    reason = f"Copie du plan {version.year}"
    copy = PlanVersion(contract=contract, year=year, title=f"Plan d'actions {year}", copied_from=version)
    _history(copy, actor, reason)
    copy.save()
    user = actor if getattr(actor, "is_authenticated", False) else None

    def insert(model: Any, objs: list[Any]) -> list[Any]:
        if not objs:
            return []
        created = model.objects.bulk_create(objs)
        return model.history.bulk_history_create(created, default_user=user, default_change_reason=reason)

    old_nodes = list(version.nodes.all())
    mapping: dict[int, Node] = {}  # old pk → new node
    histories: dict[int, Any] = {}  # old pk → the new node's first historical record
    for kind in (Node.Kind.OBJECTIVE, Node.Kind.OPERATIONAL, Node.Kind.ACTION):
        level = sorted((n for n in old_nodes if n.kind == kind), key=lambda n: (n.position, n.pk))
        fresh = [
            Node(
                version=copy,
                parent=mapping.get(old.parent_id) if old.parent_id else None,
                kind=old.kind,
                ref=old.ref,
                number=old.number,
                position=old.position,
                title=old.title,
                description=old.description,
                weight=old.weight,
                starts_on=old.starts_on,
                ends_on=old.ends_on,
                status=old.status,
                progress=old.progress,
                lead_id=old.lead_id,
                lead_label=old.lead_label,
                partners_label=old.partners_label,
            )
            for old in level
        ]
        for old, new, record in zip(level, fresh, insert(Node, fresh), strict=True):
            mapping[old.pk] = new
            histories[old.pk] = record
    # Partners, and the partners in the nodes' history (as simple_history records them on a save).
    through = Node.partners.through
    old_links = list(through.objects.filter(node__version=version).order_by("pk"))
    new_links = through.objects.bulk_create(
        through(node_id=mapping[link.node_id].pk, structure_id=link.structure_id) for link in old_links
    )
    if new_links:
        history_model = Node.history.model.partners.model  # simple_history's HistoricalNode_partners
        history_model.objects.bulk_create(
            history_model(
                history=histories[old.node_id], node_id=new.node_id, structure_id=new.structure_id, id=new.pk
            )
            for old, new in zip(old_links, new_links, strict=True)
        )

    def node_of(item: Any) -> Node:
        return mapping[item.node_id]

    insert(
        Means,
        [
            Means(
                node=node_of(m),
                ref=m.ref,
                kind=m.kind,
                description=m.description,
                amount=m.amount,
                position=m.position,
            )
            for m in Means.objects.filter(node__version=version).order_by("pk")
        ],
    )
    insert(
        ScheduleEntry,
        [
            ScheduleEntry(
                node=node_of(s),
                ref=s.ref,
                label=s.label,
                date=s.date,
                precision=s.precision,
                until=s.until,
                until_precision=s.until_precision,
                position=s.position,
            )
            for s in ScheduleEntry.objects.filter(node__version=version).order_by("pk")
        ],
    )
    insert(
        Milestone,
        [
            Milestone(
                node=node_of(ms),
                ref=ms.ref,
                title=ms.title,
                date=ms.date,
                precision=ms.precision,
                reached_on=ms.reached_on,
            )
            for ms in Milestone.objects.filter(node__version=version).order_by("pk")
        ],
    )
    insert(
        Indicator,
        [
            Indicator(
                node=node_of(ind),
                ref=ind.ref,
                title=ind.title,
                unit=ind.unit,
                baseline=ind.baseline,
                target=ind.target,
                target_date=ind.target_date,
                metric_key=ind.metric_key,
                position=ind.position,
            )
            for ind in Indicator.objects.filter(node__version=version).order_by("pk")
        ],
    )
    insert(
        Link,
        [
            Link(
                node=node_of(link),
                target_key=link.target_key,
                content_type_id=link.content_type_id,
                object_id=link.object_id,
                label=link.label,
            )
            for link in Link.objects.filter(node__version=version).order_by("pk")
        ],
    )
    return copy


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
    *, actor: Any, version: PlanVersion, data: dict[str, Any], partners: list[Structure] | None = None
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
    _history(node, actor, "Élément ajouté")
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
    *, actor: Any, node: Node, data: dict[str, Any], partners: list[Structure] | None = None
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
    _history(node, actor, "Élément modifié")
    node.save()
    if partners is not None:
        _set_partners(node, partners)
    return node, date_warnings(node)


@transaction.atomic
def delete_node(*, actor: Any, node: Node) -> None:
    check_animator(actor, node.version.contract.territory)
    _history(node, actor, "Élément supprimé")
    node.delete()


def allowed_statuses(node: Node) -> tuple[str, ...]:
    return STATUS_TRANSITIONS.get(node.status, ())


@transaction.atomic
def change_status(
    *, actor: Any, node: Node, to_status: str, note: str = "", at: dt.datetime | None = None
) -> Node:
    """Move an action along the status table; logged in StatusChange. « Réalisée » sets progress to 100 %."""
    node = Node.objects.select_for_update().select_related("version__contract").get(pk=node.pk)
    check_animator(actor, node.version.contract.territory)
    if node.kind != Node.Kind.ACTION:
        raise ValidationError(
            "Seules les actions ont un statut ; celui des objectifs se déduit de leurs actions."
        )
    if to_status not in Node.Status.values:
        raise ValidationError({"status": "Ce statut n'existe pas."})
    if to_status not in allowed_statuses(node):
        raise ValidationError(
            {
                "status": f"Une action « {node.get_status_display()} » ne peut pas passer à "
                f"« {Node.Status(to_status).label} »."
            }
        )
    StatusChange.objects.create(
        node=node,
        from_status=node.status,
        to_status=to_status,
        actor=actor,
        note=note[:500],
        at=at or timezone.now(),
    )
    node.status = to_status
    if to_status == Node.Status.DONE:
        node.progress = 100
    _history(node, actor, f"Statut : {Node.Status(to_status).label}")
    node.save()
    return node


def parse_progress(value: Any) -> int:
    try:
        number = Decimal(str(value).strip().rstrip("%").strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({"progress": "L'avancement est un nombre de 0 à 100."}) from None
    if number != number.to_integral_value() or not 0 <= number <= 100:
        raise ValidationError({"progress": "L'avancement est un nombre entier de 0 à 100."})
    return int(number)


@transaction.atomic
def set_progress(*, actor: Any, node: Node, progress: Any) -> Node:
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
    _history(node, actor, f"Avancement : {value} %")
    node.save()
    return node


# --- means, schedule, milestones ---------------------------------------------------------------------


@transaction.atomic
def add_means(*, actor: Any, node: Node, kind: str, description: str, amount: Decimal | None = None) -> Means:
    check_animator(actor, node.version.contract.territory)
    if kind not in Means.Kind.values:
        raise ValidationError({"kind": "Cette nature de moyen n'existe pas."})
    if not description.strip():
        raise ValidationError({"description": "Décrivez le moyen."})
    if amount is not None and amount < 0:
        raise ValidationError({"amount": "Un montant ne peut pas être négatif."})
    means = Means(
        node=node, kind=kind, description=description.strip(), amount=amount, position=node.means.count() + 1
    )
    _history(means, actor, "Moyen ajouté")
    means.save()
    return means


@transaction.atomic
def add_schedule_entry(
    *,
    actor: Any,
    node: Node,
    label: str,
    date: dt.date | None,
    precision: str,
    until: dt.date | None = None,
    until_precision: str = Precision.MONTH,
) -> ScheduleEntry:
    check_animator(actor, node.version.contract.territory)
    if precision not in Precision.values or until_precision not in Precision.values:
        raise ValidationError({"precision": "Cette précision de date n'existe pas."})
    if date is None and precision != Precision.ONGOING:
        raise ValidationError({"date": "Indiquez une date, ou choisissez la précision « en cours »."})
    if not label.strip() and date is None:
        raise ValidationError({"label": "Donnez un libellé ou une date."})
    entry = ScheduleEntry(
        node=node,
        label=label.strip(),
        date=date,
        precision=precision,
        until=until,
        until_precision=until_precision,
        position=node.schedule.count() + 1,
    )
    start, end = entry.bounds
    if until and start and end and end < start:
        raise ValidationError({"until": "La fin de l'échéance précède son début."})
    _history(entry, actor, "Échéance ajoutée")
    entry.save()
    return entry


@transaction.atomic
def update_means(
    *, actor: Any, means: Means, kind: str, description: str, amount: Decimal | None = None
) -> Means:
    check_animator(actor, means.node.version.contract.territory)
    if kind not in Means.Kind.values:
        raise ValidationError({"kind": "Cette nature de moyen n'existe pas."})
    if not description.strip():
        raise ValidationError({"description": "Décrivez le moyen."})
    if amount is not None and amount < 0:
        raise ValidationError({"amount": "Un montant ne peut pas être négatif."})
    means.kind, means.description, means.amount = kind, description.strip(), amount
    _history(means, actor, "Moyen modifié")
    means.save()
    return means


@transaction.atomic
def update_schedule_entry(
    *,
    actor: Any,
    entry: ScheduleEntry,
    label: str,
    date: dt.date | None,
    precision: str,
    until: dt.date | None = None,
    until_precision: str = Precision.MONTH,
) -> ScheduleEntry:
    check_animator(actor, entry.node.version.contract.territory)
    if precision not in Precision.values or until_precision not in Precision.values:
        raise ValidationError({"precision": "Cette précision de date n'existe pas."})
    if date is None and precision != Precision.ONGOING:
        raise ValidationError({"date": "Indiquez une date, ou choisissez la précision « en cours »."})
    if not label.strip() and date is None:
        raise ValidationError({"label": "Donnez un libellé ou une date."})
    entry.label, entry.date, entry.precision = label.strip(), date, precision
    entry.until, entry.until_precision = until, until_precision
    start, end = entry.bounds
    if until and start and end and end < start:
        raise ValidationError({"until": "La fin de l'échéance précède son début."})
    _history(entry, actor, "Échéance modifiée")
    entry.save()
    return entry


def _check_milestone(
    node: Node, title: str, date: dt.date | None, precision: str, reached_on: dt.date | None
) -> None:
    if node.kind != Node.Kind.ACTION:
        raise ValidationError("Les jalons se posent sur les actions.")
    if not title.strip():
        raise ValidationError({"title": "Donnez un intitulé au jalon."})
    if date is None:
        raise ValidationError({"date": "Un jalon a une date."})
    if precision not in Precision.values or precision == Precision.ONGOING:
        raise ValidationError({"precision": "Précision de date invalide pour un jalon."})
    if reached_on is not None and reached_on > timezone.localdate():
        raise ValidationError({"reached_on": "Un jalon ne peut pas être atteint à une date future."})


@transaction.atomic
def add_milestone(
    *,
    actor: Any,
    node: Node,
    title: str,
    date: dt.date | None,
    precision: str = Precision.DAY,
    reached_on: dt.date | None = None,
) -> Milestone:
    check_animator(actor, node.version.contract.territory)
    _check_milestone(node, title, date, precision, reached_on)
    milestone = Milestone(
        node=node, title=title.strip(), date=date, precision=precision, reached_on=reached_on
    )
    _history(milestone, actor, "Jalon ajouté")
    milestone.save()
    return milestone


@transaction.atomic
def update_milestone(
    *,
    actor: Any,
    milestone: Milestone,
    title: str,
    date: dt.date | None,
    precision: str = Precision.DAY,
    reached_on: dt.date | None = None,
) -> Milestone:
    """Change a milestone's title, date (with its precision) and the day it was reached (None: not yet)."""
    check_animator(actor, milestone.node.version.contract.territory)
    _check_milestone(milestone.node, title, date, precision, reached_on)
    milestone.title, milestone.date, milestone.precision = title.strip(), date, precision
    milestone.reached_on = reached_on
    _history(milestone, actor, "Jalon modifié")
    milestone.save()
    return milestone


@transaction.atomic
def delete_item(*, actor: Any, item: Means | ScheduleEntry | Milestone | Link | Indicator) -> None:
    check_animator(actor, item.node.version.contract.territory)
    _history(item, actor, "Supprimé")
    item.delete()


# --- indicators --------------------------------------------------------------------------------------


# Indicator values are DecimalField(max_digits=14, decimal_places=2).
MAX_VALUE = Decimal("1e12")


def parse_value(value: Any, label: str = "La valeur") -> Decimal:
    """A number typed in French or English style (« 1 234,5 », « 1234.5 »), rounded to the cent."""
    text = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{label} est un nombre, pas « {value} ».") from None
    if not number.is_finite() or abs(number) >= MAX_VALUE:
        raise ValidationError(f"{label} est un nombre (moins de mille milliards), pas « {value} ».")
    return number.quantize(Decimal("0.01"))


def _check_indicator(title: str, metric_key: str, *values: Decimal | None) -> None:
    if not title.strip():
        raise ValidationError({"title": "Donnez un intitulé à l'indicateur."})
    if metric_key and metric_key not in registry.metrics:
        raise ValidationError(
            {"metric_key": f"Ce calcul automatique n'existe pas sur la plateforme : « {metric_key} »."}
        )
    numbers = [Decimal(str(v)) for v in values if v is not None]
    if any(not v.is_finite() or abs(v) >= MAX_VALUE for v in numbers):
        raise ValidationError({"target": "La valeur de départ et la cible sont des nombres raisonnables."})


@transaction.atomic
def add_indicator(
    *,
    actor: Any,
    node: Node,
    title: str,
    unit: str = "",
    baseline: Decimal | None = None,
    target: Decimal | None = None,
    target_date: dt.date | None = None,
    metric_key: str = "",
) -> Indicator:
    check_animator(actor, node.version.contract.territory)
    _check_indicator(title, metric_key, baseline, target)
    indicator = Indicator(
        node=node,
        title=title.strip(),
        unit=unit.strip(),
        baseline=baseline,
        target=target,
        target_date=target_date,
        metric_key=metric_key,
        position=node.indicators.count() + 1,
    )
    _history(indicator, actor, "Indicateur ajouté")
    indicator.save()
    return indicator


@transaction.atomic
def update_indicator(
    *,
    actor: Any,
    indicator: Indicator,
    title: str,
    unit: str = "",
    baseline: Decimal | None = None,
    target: Decimal | None = None,
    target_date: dt.date | None = None,
    metric_key: str = "",
) -> Indicator:
    """Change an indicator. Its measurements stay (those computed before a change of `metric_key` too)."""
    check_animator(actor, indicator.node.version.contract.territory)
    _check_indicator(title, metric_key, baseline, target)
    indicator.title, indicator.unit = title.strip(), unit.strip()
    indicator.baseline, indicator.target, indicator.target_date = baseline, target, target_date
    indicator.metric_key = metric_key
    _history(indicator, actor, "Indicateur modifié")
    indicator.save()
    return indicator


def _check_measurement(date: dt.date | None, value: Any, was: dt.date | None = None) -> Decimal:
    if date is None:
        raise ValidationError({"date": "Une mesure a une date."})
    if date != was and date > timezone.localdate():
        raise ValidationError({"date": "Une mesure ne peut pas être datée dans le futur."})
    if value is None or str(value).strip() == "":
        raise ValidationError({"value": "Une mesure a une valeur."})
    try:
        return parse_value(value)
    except ValidationError:
        raise ValidationError({"value": "La valeur est un nombre."}) from None


@transaction.atomic
def record_measurement(
    *, actor: Any, indicator: Indicator, date: dt.date | None, value: Any, note: str = ""
) -> Measurement:
    """A measurement entered by hand."""
    check_animator(actor, indicator.node.version.contract.territory)
    number = _check_measurement(date, value)
    measurement = Measurement(
        indicator=indicator,
        date=date,
        value=number,
        source=Measurement.Source.MANUAL,
        note=note.strip()[:300],
        recorded_by=actor,
    )
    _history(measurement, actor, "Mesure saisie")
    measurement.save()
    return measurement


@transaction.atomic
def update_measurement(
    *, actor: Any, measurement: Measurement, date: dt.date | None, value: Any, note: str = ""
) -> Measurement:
    """Correct a measurement entered by hand (a computed one is the platform's: it is not edited)."""
    check_animator(actor, measurement.indicator.node.version.contract.territory)
    if measurement.source != Measurement.Source.MANUAL:
        raise ValidationError("Cette mesure est calculée par la plateforme : elle ne se modifie pas.")
    measurement.value = _check_measurement(date, value, was=measurement.date)
    measurement.date, measurement.note = date, note.strip()[:300]
    _history(measurement, actor, "Mesure modifiée")
    measurement.save()
    return measurement


def metric_period(indicator: Indicator, today: dt.date) -> tuple[dt.date, dt.date]:
    """A computed indicator counts from the contract's start to `today`."""
    return (indicator.node.version.contract.starts_on, today)


@transaction.atomic
def compute_measurements(*, territory: Territory, today: dt.date) -> int:
    """Record today's value of every computed indicator of the territory (once a day; a re-run updates)."""
    count = 0
    indicators = (
        Indicator.objects.filter(node__version__contract__territory=territory, node__version__year=today.year)
        .exclude(metric_key="")
        .select_related("node__version__contract")
    )
    if not indicators:
        indicators = (
            Indicator.objects.filter(node__version__contract__territory=territory)
            .exclude(metric_key="")
            .select_related("node__version__contract")
        )
        latest = (
            indicators.order_by("-node__version__year").values_list("node__version__year", flat=True).first()
        )
        indicators = indicators.filter(node__version__year=latest) if latest else indicators.none()
    for indicator in indicators:
        metric = registry.metrics.get(indicator.metric_key)
        if metric is None:
            continue
        start, end = metric_period(indicator, today)
        value = Decimal(str(metric.compute(territory, start, end))).quantize(Decimal("0.01"))
        Measurement.objects.update_or_create(
            indicator=indicator,
            date=today,
            source=Measurement.Source.COMPUTED,
            defaults={"value": value, "note": metric.label[:300]},
        )
        count += 1
    return count


# --- links -------------------------------------------------------------------------------------------


@transaction.atomic
def add_link(*, actor: Any, node: Node, target_key: str, object_id: int) -> Link:
    """Point a node at a platform object declared as a registry link target (the choice must be offered)."""
    territory = node.version.contract.territory
    check_animator(actor, territory)
    target = registry.link_targets.get(target_key)
    if target is None:
        raise ValidationError({"target_key": "Ce type de lien n'existe pas."})
    labels = dict(target.choices(territory))
    if object_id not in labels:
        raise ValidationError({"object_id": "Cet élément n'existe pas sur le territoire."})
    app_label, model = target.model.split(".", 1)
    content_type = ContentType.objects.get_by_natural_key(app_label, model.lower())
    if Link.objects.filter(node=node, content_type=content_type, object_id=object_id).exists():
        raise ValidationError({"object_id": "Ce lien existe déjà."})
    link = Link(
        node=node,
        target_key=target_key,
        content_type=content_type,
        object_id=object_id,
        label=str(labels[object_id])[:300],
    )
    _history(link, actor, "Lien ajouté")
    link.save()
    return link


def link_url(link: Link) -> str:
    """Where a link leads, through its registry target; empty when the target or its object is gone."""
    target = registry.link_targets.get(link.target_key)
    if target is None:
        return ""
    model = link.content_type.model_class()
    if model is None:
        return ""
    obj = model._default_manager.filter(pk=link.object_id).first()
    return target.url(obj) if obj is not None else ""


# --- yearly evaluation -------------------------------------------------------------------------------


def plenary_choices(territory: Territory) -> list[tuple[int, str]]:
    """The agenda events a plenary may be (empty when no app declares the `PLENARY_TARGET` link target)."""
    target = registry.link_targets.get(PLENARY_TARGET)
    return list(target.choices(territory)) if target is not None else []


def _resolve_plenary(territory: Territory, object_id: int) -> tuple[ContentType, str, str]:
    target = registry.link_targets.get(PLENARY_TARGET)
    if target is None:
        raise ValidationError({"plenary_event": "L'agenda n'est pas disponible sur cette plateforme."})
    labels = dict(target.choices(territory))
    if object_id not in labels:
        raise ValidationError({"plenary_event": "Cet événement n'est pas dans l'agenda du territoire."})
    app_label, model = target.model.split(".", 1)
    content_type = ContentType.objects.get_by_natural_key(app_label, model.lower())
    obj = content_type.get_object_for_this_type(pk=object_id)
    return content_type, str(labels[object_id]), target.url(obj)


def _check_not_adopted(evaluation: Evaluation) -> None:
    if evaluation.status == Evaluation.Status.ADOPTED:
        raise ValidationError("Cette évaluation est adoptée : son rapport est figé et ne change plus.")


@transaction.atomic
def open_evaluation(*, actor: Any, version: PlanVersion, consultation_ends_on: dt.date | None) -> Evaluation:
    """Open the evaluation of a year's plan; partners may comment until `consultation_ends_on`."""
    check_animator(actor, version.contract.territory)
    if Evaluation.objects.filter(version=version).exists():
        raise ValidationError(f"L'évaluation du plan {version.year} est déjà ouverte.")
    if consultation_ends_on is None or consultation_ends_on < timezone.localdate():
        raise ValidationError(
            {"consultation_ends_on": "Indiquez la fin de la consultation, aujourd'hui ou plus tard."}
        )
    evaluation = Evaluation(version=version, consultation_ends_on=consultation_ends_on)
    _history(evaluation, actor, "Évaluation ouverte")
    evaluation.save()
    return evaluation


def consultation_open(evaluation: Evaluation) -> bool:
    return (
        evaluation.status == Evaluation.Status.CONSULTATION
        and timezone.localdate() <= evaluation.consultation_ends_on
    )


def commenting_structures(user: Any, evaluation: Evaluation) -> list[Structure]:
    """The structures of the territory on whose behalf `user` may comment (their memberships)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Structure.objects.filter(
            territory=evaluation.version.contract.territory,
            memberships__user=user,
            status=Structure.Status.PUBLISHED,
        ).distinct()
    )


@transaction.atomic
def add_evaluation_comment(
    *, actor: Any, evaluation: Evaluation, text: str, structure: Structure | None = None
) -> EvaluationComment:
    """A partner (a member of a structure of the territory) or the animator comments the draft report."""
    territory = evaluation.version.contract.territory
    structures = commenting_structures(actor, evaluation)
    is_animator = actor is not None and actor.has_perm("core.animate_territory", territory)
    if not structures and not is_animator:
        raise PermissionDenied(
            "Seuls les partenaires du territoire et l'animation peuvent commenter l'évaluation."
        )
    if not consultation_open(evaluation):
        raise ValidationError("La consultation des partenaires est close.")
    if not text.strip():
        raise ValidationError({"text": "Écrivez votre commentaire."})
    if len(text) > 5000:
        raise ValidationError({"text": "Un commentaire fait 5 000 caractères au plus."})
    if structure is not None and structure not in structures:
        raise ValidationError({"structure": "Vous ne pouvez commenter qu'au nom de vos structures."})
    comment = EvaluationComment(evaluation=evaluation, author=actor, structure=structure, text=text.strip())
    _history(comment, actor, "Commentaire")
    comment.save()
    return comment


@transaction.atomic
def conclude_evaluation(
    *,
    actor: Any,
    evaluation: Evaluation,
    conclusions: str,
    next_year_changes: str,
    plenary_label: str = "",
    plenary_url: str = "",
    plenary_event: int | None = None,
    close_consultation: bool = False,
) -> Evaluation:
    """Write the conclusions. The plenary is an agenda event (`plenary_event`, an id offered by the registry
    link target `PLENARY_TARGET`): its label with the date and its page are copied; without one, the typed
    label and URL stay as a fallback."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    territory = evaluation.version.contract.territory
    check_animator(actor, territory)
    _check_not_adopted(evaluation)
    if plenary_event is not None and plenary_event == evaluation.plenary_object_id:
        pass  # unchanged (it may have left the offered window since it was picked): keep its label and URL
    elif plenary_event is not None:
        content_type, label, url = _resolve_plenary(territory, plenary_event)
        evaluation.plenary_content_type = content_type
        evaluation.plenary_object_id = plenary_event
        evaluation.plenary_label = label[:250]
        evaluation.plenary_url = url[:500]
    else:
        if plenary_url and not plenary_url.startswith(("/", "https://", "http://")):
            raise ValidationError({"plenary_url": "Une adresse commence par / (page du site) ou https://."})
        evaluation.plenary_content_type = None
        evaluation.plenary_object_id = None
        evaluation.plenary_label = plenary_label.strip()
        evaluation.plenary_url = plenary_url.strip()
    evaluation.conclusions = conclusions
    evaluation.next_year_changes = next_year_changes
    if close_consultation and evaluation.status == Evaluation.Status.CONSULTATION:
        evaluation.status = Evaluation.Status.CLOSED
    _history(evaluation, actor, "Conclusions")
    evaluation.save()
    return evaluation


@transaction.atomic
def adopt_evaluation(*, actor: Any, evaluation: Evaluation, at: dt.datetime | None = None) -> Evaluation:
    """Freeze the report: the snapshot is what the HTML and PDF show from now on. It holds the measurements
    dated up to the adoption day (`at`, default now; the demo adopts in the past), none after."""
    evaluation = (
        Evaluation.objects.select_for_update().select_related("version__contract").get(pk=evaluation.pk)
    )
    check_animator(actor, evaluation.version.contract.territory)
    _check_not_adopted(evaluation)
    if not evaluation.conclusions.strip():
        raise ValidationError({"conclusions": "Écrivez les conclusions avant d'adopter le rapport."})
    at = at or timezone.now()
    evaluation.snapshot = report.draft(evaluation.version, evaluation, as_of=timezone.localdate(at))
    evaluation.status = Evaluation.Status.ADOPTED
    evaluation.adopted_at = at
    _history(evaluation, actor, "Rapport adopté")
    evaluation.save()
    return evaluation
