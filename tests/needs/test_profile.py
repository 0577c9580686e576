"""A structure's profile in the directory lists the needs it answers (through core's ProfileSection hook):
each links to its page with its status; needs the public does not see, and duplicates merged away, are not
listed; a structure linked to no need shows no such section."""

from __future__ import annotations

import re

import pytest

from maillage.needs import services
from maillage.needs.models import Need, NeedStatus
from tests.factories import StructureFactory
from tests.needs.factories import SYS, category, need

pytestmark = pytest.mark.django_db
TITLE = "Besoins sociaux auxquels la structure répond"


def _section(html: str) -> str:
    found = re.search(
        r'<section class="profile-section" aria-label="' + TITLE + r'">(.*?)</section>', html, re.S
    )
    return found.group(1) if found else ""


def test_profile_lists_the_needs_the_structure_answers(client, territory, structure):
    bus = need(territory, title="Pas de bus le dimanche")
    services.move_need(
        actor=SYS, need=bus, to_status=NeedStatus.QUALIFIED, answer="Retenu.", synthesis="Trois lignes."
    )
    met = need(territory, title="Épicerie solidaire à Peymeinade", slug="alimentation")
    merged = need(territory, title="Le bus du dimanche")
    elsewhere = need(territory, title="Logement des saisonniers", slug="logement")
    services.request_need(
        actor=SYS,
        territory=territory,
        email="habitante@example.test",
        title="Garde en horaires décalés",
        description="Rien avant 7 h.",
        category=category(territory),
        communes=list(territory.communes.all()),
    )
    pending = Need.objects.get(status=NeedStatus.UNCONFIRMED)
    for n in (bus, met, merged, pending):
        services.link_structure(actor=SYS, need=n, structure=structure)
    services.link_structure(actor=SYS, need=elsewhere, structure=StructureFactory(territory=territory))
    for to in (NeedStatus.QUALIFIED, NeedStatus.ADDRESSING, NeedStatus.MET):
        services.move_need(
            actor=SYS, need=met, to_status=to, answer="Avance.", synthesis="Un quartier sans épicerie."
        )
    services.merge_needs(actor=SYS, duplicate=merged, into=bus, answer="Même besoin.")

    html = client.get(f"/structures/{structure.slug}/").content.decode()
    section = _section(html)
    assert section, "the profile shows the needs section"
    assert f'href="/besoins/{bus.pk}/">Pas de bus le dimanche</a>' in section
    assert f'href="/besoins/{met.pk}/">Épicerie solidaire à Peymeinade</a>' in section
    assert "qualifié" in section and "satisfait" in section
    assert section.index("Pas de bus le dimanche") < section.index("Épicerie solidaire"), "open needs first"
    for hidden in ("Le bus du dimanche", "Garde en horaires décalés", "Logement des saisonniers"):
        assert hidden not in section
    assert "Répond à un besoin social du territoire" in html  # the directory's badge stays


def test_a_structure_linked_to_no_need_has_no_section(client, territory, structure):
    need(territory, title="Pas de bus le dimanche")
    html = client.get(f"/structures/{structure.slug}/").content.decode()
    assert TITLE not in html
