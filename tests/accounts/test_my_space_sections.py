"""« Mon espace » shows the sections each module brings through the registry: my registrations (events), my
ateliers (workspace), my signatures (charter). Accounts imports none of those apps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from maillage.actors.models import Membership
from maillage.charter.models import SignatureStatus
from maillage.core.registry import (
    MySpaceItem,
    MySpaceProvider,
    MySpaceSection,
    Registry,
    RegistryError,
    registry,
)
from maillage.events.models import Registration, Status
from maillage.workspace.models import AtelierMember
from tests.charter.factories import SignatureFactory, adopted_version
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MembershipFactory, StructureFactory
from tests.workspace.factories import AtelierFactory, AtelierMemberFactory


def section(html: str, title: str) -> str:
    start = html.index(f">{title}</h2>")
    return html[start : html.index("</section>", start)]


def my_space(client, user) -> str:
    client.force_login(user)
    response = client.get("/compte/mon-espace/")
    assert response.status_code == 200
    return response.content.decode()


# --- the registry hook, with the registry's test double -------------------------------------------------
def test_my_space_renders_the_sections_of_the_registry(client, territory, member):
    seen = []

    def mine(user, on):
        seen.append((user, on))
        return MySpaceSection(
            title="Mes essais",
            items=[
                MySpaceItem(label="Un essai", url="/essais/1/", detail="mardi"),
                MySpaceItem(label="Sans lien"),
            ],
            link_url="/essais/",
            link_label="Tous les essais",
        )

    fresh = Registry()
    fresh.add_my_space_section(
        MySpaceProvider(
            key="late",
            order=50,
            build=lambda u, t: MySpaceSection(
                title="Mes riens", items=[], empty="Rien pour l'instant : commencez ici."
            ),
        )
    )
    fresh.add_my_space_section(MySpaceProvider(key="essais", order=10, build=mine))
    fresh.add_my_space_section(MySpaceProvider(key="hidden", build=lambda u, t: None))
    with registry.override(fresh):
        html = my_space(client, member)
    assert seen == [(member, territory)]
    assert '<a href="/essais/1/">Un essai</a>' in html and "— mardi" in html
    assert "Sans lien" in html
    assert '<a href="/essais/">Tous les essais</a>' in html
    assert "Rien pour l&#x27;instant : commencez ici." in html
    assert html.index("Mes essais") < html.index("Mes riens")


def test_sections_are_ordered_keyed_once_and_need_a_territory(member, territory):
    fresh = Registry()
    build = lambda u, t: MySpaceSection(title=f"{u.pk}-{t.pk}", items=[])  # noqa: E731
    fresh.add_my_space_section(MySpaceProvider(key="b", build=build, order=2))
    fresh.add_my_space_section(MySpaceProvider(key="a", build=lambda u, t: None, order=1))
    with pytest.raises(RegistryError):
        fresh.add_my_space_section(MySpaceProvider(key="b", build=lambda u, t: None))
    assert [s.title for s in fresh.my_space_sections_for(member, territory)] == [
        f"{member.pk}-{territory.pk}"
    ]
    assert fresh.my_space_sections_for(member, None) == []


def test_the_real_registry_has_the_three_sections():
    assert {"events", "workspace", "charter"} <= set(registry.my_space_sections)


# --- the real providers --------------------------------------------------------------------------------
def test_my_registrations_to_coming_events(client, territory, other_territory, member):
    soon = EventFactory(territory=territory, title="Rendez-vous de l'ESS à la ressourcerie")
    full = EventFactory(territory=territory, title="Visite de la SCOP")
    RegistrationFactory(event=soon, user=member, email=member.email)
    RegistrationFactory(event=full, user=member, email=member.email, state=Registration.State.WAITLISTED)
    gone = EventFactory(territory=territory, title="Rendez-vous quitté")
    RegistrationFactory(event=gone, user=member, email=member.email, state=Registration.State.CANCELLED)
    past = EventFactory(
        territory=territory, title="Rendez-vous passé", start=timezone.now() - dt.timedelta(days=10)
    )
    RegistrationFactory(event=past, user=member, email=member.email)
    elsewhere = EventFactory(territory=other_territory, title="Rendez-vous ailleurs")
    RegistrationFactory(event=elsewhere, user=member, email=member.email)
    RegistrationFactory(event=EventFactory(territory=territory, title="Rendez-vous des autres"))
    html = section(my_space(client, member), "Mes inscriptions aux rendez-vous")
    assert f'href="/agenda/{soon.slug}/"' in html and "Rendez-vous de l&#x27;ESS à la ressourcerie" in html
    assert "Visite de la SCOP" in html and "(liste d&#x27;attente)" in html
    for hidden in (
        "Rendez-vous quitté",
        "Rendez-vous passé",
        "Rendez-vous ailleurs",
        "Rendez-vous des autres",
    ):
        assert hidden not in html


def test_a_cancelled_event_says_so(client, territory, member):
    event = EventFactory(territory=territory, title="Visite annulée", status=Status.CANCELLED)
    RegistrationFactory(event=event, user=member, email=member.email)
    assert "(rendez-vous annulé)" in my_space(client, member)


def test_no_registration_says_where_to_find_events(client, territory, member):
    html = my_space(client, member)
    assert "Vous n&#x27;êtes inscrit ou inscrite à aucun rendez-vous à venir." in html
    assert "Voir l&#x27;agenda" in html


def test_my_ateliers(client, territory, member):
    guide = AtelierFactory(territory=territory, name="Guide des acteurs et des pratiques")
    AtelierMemberFactory(atelier=guide, user=member, role=AtelierMember.Role.COORDINATOR)
    asked = AtelierFactory(territory=territory, name="Événementiel")
    AtelierMemberFactory(atelier=asked, user=member, status=AtelierMember.Status.PENDING)
    left = AtelierFactory(territory=territory, name="Atelier quitté")
    AtelierMemberFactory(atelier=left, user=member, status=AtelierMember.Status.LEFT)
    AtelierFactory(territory=territory, name="Atelier des autres")
    html = section(my_space(client, member), "Mes ateliers")
    assert f'href="/ateliers/{guide.slug}/"' in html and "— coordination" in html
    assert "Événementiel" in html and "— demande en attente" in html
    assert "Atelier quitté" not in html and "Atelier des autres" not in html


def test_my_signatures_of_the_charter(client, territory, manager, structure, member):
    version = adopted_version(territory, number=2)
    SignatureFactory(version=version, structure=structure, signed_on=dt.date(2026, 3, 6))
    other = StructureFactory(territory=territory, name="Coopérative voisine")
    MembershipFactory(user=member, structure=other, role=Membership.Role.MEMBER)
    SignatureFactory(version=version, structure=other)
    withdrawn = StructureFactory(territory=territory, name="Association partie")
    MembershipFactory(user=manager, structure=withdrawn, role=Membership.Role.MANAGER)
    SignatureFactory(version=version, structure=withdrawn, status=SignatureStatus.WITHDRAWN)
    html = section(my_space(client, manager), "Mes signatures de la charte")
    assert f"{structure.name} — version 2" in html and "signée le vendredi 6 mars 2026" in html
    assert f'href="/charte/signataires/{structure.slug}/"' in html
    assert "Coopérative voisine" not in html and "Association partie" not in html
    # A member (not a manager) of the other structure does not see its signature as theirs.
    assert "Aucune de vos structures n&#x27;a signé la charte." in my_space(client, member)
