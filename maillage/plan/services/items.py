"""What hangs on a node: means, schedule entries, milestones, links to the platform; deleting an item."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.core.actors import Actor
from maillage.core.registry import registry
from maillage.plan.models import (
    Indicator,
    Link,
    Means,
    Measurement,
    Milestone,
    Node,
    Precision,
    ScheduleEntry,
)
from maillage.plan.permissions import check_animator
from maillage.plan.services._common import record_history

# --- means, schedule, milestones ---------------------------------------------------------------------


@transaction.atomic
def add_means(
    *, actor: Actor, node: Node, kind: str, description: str, amount: Decimal | None = None
) -> Means:
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
    record_history(means, actor, "Moyen ajouté")
    means.save()
    return means


@transaction.atomic
def add_schedule_entry(
    *,
    actor: Actor,
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
    record_history(entry, actor, "Échéance ajoutée")
    entry.save()
    return entry


@transaction.atomic
def update_means(
    *, actor: Actor, means: Means, kind: str, description: str, amount: Decimal | None = None
) -> Means:
    check_animator(actor, means.node.version.contract.territory)
    if kind not in Means.Kind.values:
        raise ValidationError({"kind": "Cette nature de moyen n'existe pas."})
    if not description.strip():
        raise ValidationError({"description": "Décrivez le moyen."})
    if amount is not None and amount < 0:
        raise ValidationError({"amount": "Un montant ne peut pas être négatif."})
    means.kind, means.description, means.amount = kind, description.strip(), amount
    record_history(means, actor, "Moyen modifié")
    means.save()
    return means


@transaction.atomic
def update_schedule_entry(
    *,
    actor: Actor,
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
    record_history(entry, actor, "Échéance modifiée")
    entry.save()
    return entry


def _check_milestone(
    node: Node, title: str, date: dt.date | None, precision: str, reached_on: dt.date | None
) -> dt.date:
    """The milestone's date, once everything is checked."""
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
    return date


@transaction.atomic
def add_milestone(
    *,
    actor: Actor,
    node: Node,
    title: str,
    date: dt.date | None,
    precision: str = Precision.DAY,
    reached_on: dt.date | None = None,
) -> Milestone:
    check_animator(actor, node.version.contract.territory)
    day = _check_milestone(node, title, date, precision, reached_on)
    milestone = Milestone(
        node=node, title=title.strip(), date=day, precision=precision, reached_on=reached_on
    )
    record_history(milestone, actor, "Jalon ajouté")
    milestone.save()
    return milestone


@transaction.atomic
def update_milestone(
    *,
    actor: Actor,
    milestone: Milestone,
    title: str,
    date: dt.date | None,
    precision: str = Precision.DAY,
    reached_on: dt.date | None = None,
) -> Milestone:
    """Change a milestone's title, date (with its precision) and the day it was reached (None: not yet)."""
    check_animator(actor, milestone.node.version.contract.territory)
    day = _check_milestone(milestone.node, title, date, precision, reached_on)
    milestone.title, milestone.date, milestone.precision = title.strip(), day, precision
    milestone.reached_on = reached_on
    record_history(milestone, actor, "Jalon modifié")
    milestone.save()
    return milestone


def _node_of(item: Means | ScheduleEntry | Milestone | Link | Indicator | Measurement) -> Node:
    return item.indicator.node if isinstance(item, Measurement) else item.node


@transaction.atomic
def set_item_ref(
    *, actor: Actor, item: Means | ScheduleEntry | Milestone | Indicator | Measurement, ref: uuid.UUID
) -> None:
    """Give an item the stable identifiant a file names it by (an import from another installation)."""
    check_animator(actor, _node_of(item).version.contract.territory)
    item.ref = ref
    record_history(item, actor, "Identifiant repris du fichier")
    item.save(update_fields=["ref"])


@transaction.atomic
def delete_item(*, actor: Actor, item: Means | ScheduleEntry | Milestone | Link | Indicator) -> None:
    check_animator(actor, item.node.version.contract.territory)
    record_history(item, actor, "Supprimé")
    item.delete()


# --- links -------------------------------------------------------------------------------------------


@transaction.atomic
def add_link(*, actor: Actor, node: Node, target_key: str, object_id: int) -> Link:
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
    record_history(link, actor, "Lien ajouté")
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
