"""How an import finds what a row names when its identifiant is unknown here — a file exported by another
installation (same plan, other identifiants) or written by hand — so that re-importing never duplicates.

A node is matched by its number within the version (« 1.2.3 », with its level); an item by what names it on
its parent: a means by its description, a schedule entry by its label, date and precision, a milestone or an
indicator by its title, a measurement entered by hand by its date. A row matched so updates what it matched.
Two rows of one file that name the same element are refused (with both line numbers), as is a number held by
an element of another level or by several elements.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from maillage.plan.models import Measurement, Node, PlanVersion

MEANS, SCHEDULE = "moyen", "échéance"
MILESTONE, INDICATOR, MEASUREMENT = "jalon", "indicateur", "mesure"
ELEMENT = {
    MEANS: "le même moyen",
    SCHEDULE: "la même échéance",
    MILESTONE: "le même jalon",
    INDICATOR: "le même indicateur",
    MEASUREMENT: "la même mesure",
}


def _text(value: str) -> str:
    return " ".join((value or "").split()).lower()


def natural_key(row_type: str, parent_pk: int, values: Any) -> tuple[Any, ...]:
    """What names an item on its parent; `values` is the item or the row's fields (same names)."""

    def get(name: str) -> Any:
        return values[name] if isinstance(values, dict) else getattr(values, name)

    if row_type == MEANS:
        return (parent_pk, _text(get("description")))
    if row_type == SCHEDULE:
        return (parent_pk, _text(get("label")), get("date"), get("precision"))
    if row_type in (MILESTONE, INDICATOR):
        return (parent_pk, _text(get("title")))
    return (parent_pk, get("date"))


def _parent_pk(row_type: str, item: Any) -> int:
    return item.indicator_id if row_type == MEASUREMENT else item.node_id


class Matcher:
    def __init__(
        self, version: PlanVersion, nodes: dict[str, Node], items: dict[str, dict[str, Any]]
    ) -> None:
        self.version = version
        self.by_number: dict[str, list[Node]] = {}
        for node in nodes.values():
            self.add_node(node)
        self.natural: dict[str, dict[tuple[Any, ...], Any]] = {row_type: {} for row_type in items}
        for row_type, known in items.items():
            for item in known.values():
                if row_type == MEASUREMENT and item.source != Measurement.Source.MANUAL:
                    continue
                self.add_item(row_type, item)
        self.claims: dict[tuple[str, int], int] = {}

    def add_node(self, node: Node) -> None:
        number = node.number.strip()
        if number and node not in self.by_number.get(number, []):
            self.by_number.setdefault(number, []).append(node)

    def add_item(self, row_type: str, item: Any) -> None:
        self.natural[row_type].setdefault(natural_key(row_type, _parent_pk(row_type, item), item), item)

    def node(self, data: dict[str, Any]) -> Node | None:
        """The version's node with this row's number (None: no number, or a number not yet used)."""
        number = data["number"].strip()
        holders = self.by_number.get(number, []) if number else []
        if not holders:
            return None
        year = self.version.year
        if len(holders) > 1:
            raise ValidationError(
                f"Le numéro « {number} » est porté par {len(holders)} éléments du plan {year} : "
                "donnez-leur des numéros distincts avant d'importer, ou indiquez l'identifiant de l'élément."
            )
        (node,) = holders
        if node.kind != data["kind"]:
            raise ValidationError(
                f"Le numéro « {number} » est déjà celui de l'{node.get_kind_display()} « {node.title} » du "
                f"plan {year} : une ligne de niveau « {Node.Kind(data['kind']).label} » ne peut pas le "
                "reprendre. Changez le numéro, ou indiquez l'identifiant de l'élément."
            )
        return node

    def item(self, row_type: str, parent: Any, fields: dict[str, Any]) -> Any | None:
        return self.natural[row_type].get(natural_key(row_type, parent.pk, fields))

    def claim(self, row_type: str, pk: int, line: int) -> None:
        """One line per element: a second line naming the same element is refused."""
        first = self.claims.setdefault((row_type, pk), line)
        if first != line:
            what = "le même élément du plan" if row_type == "nœud" else ELEMENT[row_type]
            raise ValidationError(
                f"Cette ligne désigne {what} que la ligne {first} : un élément n'apparaît qu'une fois "
                "dans le fichier."
            )
