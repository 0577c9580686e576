"""The plan tree printed from flat rows: the nested lists of the page are those of the tree."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser

import pytest

from maillage.core.actors import SYSTEM
from maillage.plan import services
from maillage.plan.display import tree_rows
from maillage.plan.tree import build_tree
from tests.plan.factories import make_node, make_tree, make_version

pytestmark = pytest.mark.django_db


class Nesting(HTMLParser):
    """The titles of the `.plan-tree` nodes with their depth (number of enclosing `li.plan-node`), and
    whether every `ul`/`li` opened inside the tree was closed in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.in_tree = 0
        self.depth = 0
        self.titles: list[tuple[int, str]] = []
        self.balanced = True
        self._title = False

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "ul" and "plan-tree" in classes:
            self.in_tree += 1
        if not self.in_tree:
            return
        if tag in ("ul", "li"):
            self.stack.append(tag)
        if tag == "li" and "plan-node" in classes:
            self.depth += 1
        if tag == "a" and self.stack and self.stack[-1] == "li":
            self._title = True

    def handle_endtag(self, tag):
        if not self.in_tree:
            return
        if tag in ("ul", "li"):
            if not self.stack or self.stack.pop() != tag:
                self.balanced = False
            if tag == "li":
                self.depth -= 1
            if tag == "ul" and not self.stack:
                self.in_tree -= 1
        if tag == "a":
            self._title = False

    def handle_data(self, data):
        if self._title and data.strip():
            self.titles.append((self.depth, data.strip()))


@pytest.fixture
def version(territory):
    version = make_version(territory, year=2025)
    objective, operational, a1, a2 = make_tree(version)
    second = make_node(version, "objective", number="2", title="Second objectif")
    make_node(version, "operational", second, number="2.1", title="Objectif vide")
    services.add_indicator(
        actor=SYSTEM, node=a2, title="Rendez-vous tenus", unit="rendez-vous", target=Decimal(4)
    )
    return version


def test_rows_open_and_close_the_nested_lists(version):
    rows = tree_rows(build_tree(version, history=False))
    assert [(r.number, r.opens, len(r.closes)) for r in rows] == [
        ("1", True, 0),
        ("1.1", True, 0),
        ("1.1.1", False, 0),
        ("1.1.2", False, 2),  # closes the list of 1.1 and the list of 1
        ("2", True, 0),
        ("2.1", False, 1),
    ]
    assert rows[-1].empty_operational and not rows[2].empty_operational
    assert rows[0].kind_label == "Objectif" and rows[3].indicators[0].target == "4 rendez-vous"


def test_page_nests_nodes_as_the_tree(client, version):
    html = client.get("/contrat/2025/").content.decode()
    parser = Nesting()
    parser.feed(html)
    assert parser.balanced and parser.depth == 0
    assert parser.titles == [
        (1, "Animer le réseau"),
        (2, "Recenser les acteurs"),
        (3, "Guide des acteurs"),
        (3, "Rendez-vous de l'ESS"),
        (1, "Second objectif"),
        (2, "Objectif vide"),
    ]
    assert "Aucune action n'est encore rattachée à cet objectif opérationnel." in html
    assert 'aria-label="Indicateurs de « Rendez-vous de l&#x27;ESS »"' in html


def test_node_page_lists_its_children(client, version):
    operational = version.nodes.get(number="1.1")
    html = client.get(f"/contrat/element/{operational.pk}/").content.decode()
    parser = Nesting()
    parser.feed(html)
    assert parser.balanced
    assert [t for _, t in parser.titles] == ["Guide des acteurs", "Rendez-vous de l'ESS"]
