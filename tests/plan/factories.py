"""Builders of plans for the plan's tests (through the services, as the animator would)."""

from __future__ import annotations

import datetime as dt

from maillage.core.actors import SYSTEM
from maillage.plan import services
from maillage.plan.models import Contract, Node, PlanVersion


def make_contract(territory, **data) -> Contract:
    values = {"title": "Contrat d'essai", "starts_on": dt.date(2025, 6, 1), "ends_on": dt.date(2028, 5, 31)}
    values.update(data)
    return services.save_contract(actor=SYSTEM, territory=territory, data=values)


def make_version(territory, year: int = 2025) -> PlanVersion:
    contract = Contract.objects.filter(territory=territory).first() or make_contract(territory)
    return services.create_version(actor=SYSTEM, contract=contract, year=year)


def make_node(version, kind: str, parent: Node | None = None, title: str = "", **data) -> Node:
    node, _ = services.create_node(
        actor=SYSTEM,
        version=version,
        data={"kind": kind, "parent": parent, "title": title or f"{kind} {Node.objects.count() + 1}", **data},
    )
    return node


def make_tree(version):
    """One objective, one operational objective, two actions. Returns (objective, operational, a1, a2)."""
    objective = make_node(version, "objective", number="1", title="Animer le réseau")
    operational = make_node(version, "operational", objective, number="1.1", title="Recenser les acteurs")
    a1 = make_node(version, "action", operational, number="1.1.1", title="Guide des acteurs")
    a2 = make_node(version, "action", operational, number="1.1.2", title="Rendez-vous de l'ESS")
    return objective, operational, a1, a2
