"""The needs atelier qualifies needs: the animation names the atelier (on the categories page), its active
members may then qualify a reported need (synthesis and public answer) and nothing else. Membership is read
through core's registry (`GroupMembership` « atelier », brought by the workspace). The qualify page answers
the atelier member besides the five roles of the matrix; a member of another atelier, of the same atelier's
namesake in the other territory, a pending member, and everyone once no atelier is named, are refused."""

from __future__ import annotations

from html import unescape

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from maillage.core.registry import registry
from maillage.needs import services
from maillage.needs.models import Need, NeedStatus, RegisterSettings
from maillage.needs.permissions import can_qualify
from maillage.workspace.models import AtelierMember
from maillage.workspace.services import create_atelier
from tests.factories import MembershipFactory, StructureFactory, UserFactory
from tests.harness.matrix import check_page_permissions
from tests.needs.factories import SYS, category, join, need, needs_atelier

pytestmark = pytest.mark.django_db
ANIMATION_PAGES = ["needs:manage", "needs:categories", "needs:merge", "needs:structures"]


@pytest.fixture
def atelier(territory):
    return needs_atelier(territory)


@pytest.fixture
def atelier_member(territory, atelier):
    user = UserFactory(email="atelier@example.org")
    MembershipFactory(user=user, structure=StructureFactory(territory=territory, name="Habitat et Humanisme"))
    join(atelier, user)
    return user


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_matrix_of_the_qualify_page_with_the_atelier_member(example_ctx, atelier_member):
    spec = registry.pages["needs:move"]
    assert not check_page_permissions(spec, example_ctx), "the five roles keep their declared status"
    url = spec.example_url(example_ctx)
    assert _client(atelier_member).get(url).status_code == 200
    for name in ANIMATION_PAGES:  # the rest of the animation stays the animation's
        page = registry.pages[name]
        assert _client(atelier_member).get(page.example_url(example_ctx)).status_code == 403, name


def test_who_else_is_refused(example_ctx, territory, other_territory, atelier, atelier_member, member):
    url = registry.pages["needs:move"].example_url(example_ctx)
    other_atelier = create_atelier(actor=SYS, territory=territory, name="Tiers-lieux")
    join(other_atelier, member)
    namesake = create_atelier(actor=SYS, territory=other_territory, name="Besoins", slug="besoins-sociaux")
    neighbour = UserFactory(email="voisin@example.org")
    join(namesake, neighbour)
    pending = UserFactory(email="attente@example.org")
    row = join(atelier, pending)
    AtelierMember.objects.filter(pk=row.pk).update(status=AtelierMember.Status.PENDING)
    for who in (member, neighbour, pending):
        assert _client(who).get(url).status_code == 403, who.email
    services.set_needs_atelier(actor=SYS, territory=territory, slug="")
    assert _client(atelier_member).get(url).status_code == 403
    assert not can_qualify(atelier_member, territory)


def test_an_atelier_member_qualifies_a_need(client, territory, atelier_member, member):
    n = need(territory, actor=member, title="Pas de bus le dimanche")
    page = _client(atelier_member)
    detail = page.get(f"/besoins/{n.pk}/").content.decode()
    assert "Qualifier le besoin" in detail and "Fusionner avec un autre besoin" not in detail
    form = page.get(f"/besoins/{n.pk}/statut/").content.decode()
    assert 'value="qualified"' in form and 'value="out_of_scope"' not in form
    response = page.post(
        f"/besoins/{n.pk}/statut/",
        {"to_status": "qualified", "answer": "Retenu par l'atelier.", "synthesis": "Trois lignes sans bus."},
    )
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.status == NeedStatus.QUALIFIED and n.synthesis == "Trois lignes sans bus."
    assert n.transitions.last().actor == atelier_member
    # Once qualified, the rest is the animation's: the atelier gets no move, a forged one changes nothing.
    assert "la suite revient à l'animation" in page.get(f"/besoins/{n.pk}/statut/").content.decode()
    page.post(f"/besoins/{n.pk}/statut/", {"to_status": "addressing", "answer": "x"})
    assert Need.objects.get(pk=n.pk).status == NeedStatus.QUALIFIED


def test_the_service_refuses_other_moves_to_the_atelier(territory, atelier_member):
    n = need(territory, title="Pas de bus le dimanche")
    with pytest.raises(PermissionDenied):
        services.move_need(actor=atelier_member, need=n, to_status=NeedStatus.OUT_OF_SCOPE, answer="Non.")
    assert Need.objects.get(pk=n.pk).status == NeedStatus.REPORTED


def test_the_animator_names_the_atelier(territory, animator, atelier):
    page = _client(animator)
    services.set_needs_atelier(actor=SYS, territory=territory, slug="")
    html = page.get("/besoins/animation/categories/").content.decode()
    assert "Besoins sociaux non ou insuffisamment satisfaits" in html
    response = page.post(
        "/besoins/animation/categories/",
        {"atelier_du_registre": "1", "atelier": "besoins-sociaux"},
        follow=True,
    )
    assert (
        "Les membres de l'atelier « Besoins sociaux non ou insuffisamment satisfaits » peuvent qualifier"
        in unescape(response.content.decode())
    )
    assert RegisterSettings.objects.get(territory=territory).atelier_slug == "besoins-sociaux"


def test_an_unknown_atelier_is_refused(territory, animator, atelier):
    response = _client(animator).post(
        "/besoins/animation/categories/", {"atelier_du_registre": "1", "atelier": "inconnu"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "error-summary" in html
    assert "Sélectionnez un choix valide" in unescape(html)
    assert RegisterSettings.objects.get(territory=territory).atelier_slug == "besoins-sociaux"
    with pytest.raises(Exception, match="Choisissez un atelier en cours du territoire"):
        services.set_needs_atelier(actor=SYS, territory=territory, slug="inconnu")


def test_a_refused_rename_shows_in_the_error_summary_and_beside_the_field(territory, animator):
    mobility = category(territory, "mobilite")
    page = _client(animator)
    page.get("/besoins/animation/categories/")
    response = page.post(
        "/besoins/animation/categories/", {"categorie": mobility.pk, "label": "Logement", "is_active": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    summary = html[
        html.index('class="error-summary"') : html.index("</div>", html.index('class="error-summary"'))
    ]
    assert f'href="#categorie-{mobility.pk}-label"' in summary
    assert "La catégorie « Logement » existe déjà." in unescape(summary)
    assert f'id="categorie-{mobility.pk}-label_error"' in html and 'aria-invalid="true"' in html
    assert 'class="messages"' not in html, "the refusal is no longer a message at the top"
    mobility.refresh_from_db()
    assert mobility.label == "Mobilité"
