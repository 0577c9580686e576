"""« Mon espace » appears once in the page's header: in the account links, not again in the main menu."""

from __future__ import annotations

import re

from maillage.core.registry import registry


def header_of(html: str) -> str:
    return re.search(r"<header.*?</header>", html, re.S).group(0)


def test_my_space_is_linked_once_in_the_header(client, member):
    client.force_login(member)
    header = header_of(client.get("/").content.decode())
    assert header.count('href="/compte/mon-espace/"') == 1
    assert header.count(">Mon espace<") == 1


def test_my_space_is_not_a_main_menu_entry():
    assert all(entry.url_name != "accounts:my_space" for entry in registry.menu.values())
