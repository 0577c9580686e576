"""The contract, its documents, and the yearly plans (a new one, or next year's as a copy)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from maillage.core.actors import Actor, user_of
from maillage.core.models import Territory
from maillage.plan.models import (
    Contract,
    ContractDocument,
    Indicator,
    Link,
    Means,
    Milestone,
    Node,
    PlanVersion,
    ScheduleEntry,
)
from maillage.plan.permissions import check_animator
from maillage.plan.services._common import record_history

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
def save_contract(*, actor: Actor, territory: Territory, data: dict[str, Any]) -> Contract:
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
    record_history(contract, actor, "Contrat enregistré")
    contract.save()
    return contract


@transaction.atomic
def add_contract_document(*, actor: Actor, contract: Contract, title: str, url: str) -> ContractDocument:
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
    record_history(doc, actor, "Document ajouté")
    doc.save()
    return doc


def _check_year(contract: Contract, year: int) -> None:
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": "Indiquez une année à quatre chiffres."})
    if PlanVersion.objects.filter(contract=contract, year=year).exists():
        raise ValidationError({"year": f"Le plan d'actions {year} existe déjà."})


@transaction.atomic
def create_version(*, actor: Actor, contract: Contract, year: int, title: str = "") -> PlanVersion:
    check_animator(actor, contract.territory)
    _check_year(contract, year)
    version = PlanVersion(contract=contract, year=year, title=title.strip())
    record_history(version, actor, "Plan d'actions créé")
    version.save()
    return version


@transaction.atomic
def copy_version(*, actor: Actor, version: PlanVersion, year: int) -> PlanVersion:
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
    record_history(copy, actor, reason)
    copy.save()
    user = user_of(actor)

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
