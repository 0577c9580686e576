"""The main menu's row and its « Plus » menu; the demo's fictitious-data note, once, in the footer."""

from __future__ import annotations

import re

from maillage.core.context_processors import MENU_ROW_SIZE

NOTE = "Site de démonstration : les personnes, les structures et les rendez-vous présentés sont fictifs."


def test_the_demo_note_appears_once_in_the_footer_of_a_demo_territory(client, territory):
    assert NOTE not in client.get("/").content.decode()
    territory.settings = {**(territory.settings or {}), "demo": True}
    territory.save()
    html = client.get("/").content.decode()
    assert html.count(NOTE) == 1
    assert html.index(NOTE) > html.index('<footer class="site-footer">')


def test_animators_entries_go_under_plus(client, animator):
    client.force_login(animator)
    html = client.get("/").content.decode()
    nav = html[
        html.index('id="navigation-principale"') : html.index("</nav>", html.index("navigation-principale"))
    ]
    row, _, more = nav.partition("data-nav-more")
    assert len(re.findall(r"<li>", row)) <= MENU_ROW_SIZE
    assert "Gérer la lettre" in more and "Gérer la lettre" not in row
