"""Generic links to registry link targets; the « point du plan » content block; the plan's own link target."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from maillage.actors.models import Structure
from maillage.core.actors import SYSTEM
from maillage.core.registry import LinkTarget, Registry, registry
from maillage.plan import blocks, services
from maillage.plan.models import Link
from maillage.plan.tree import counts_text
from tests.factories import StructureFactory
from tests.plan.factories import make_tree, make_version

pytestmark = pytest.mark.django_db


def structures_target(territory_of_choice=None):
    double = Registry()
    double.add_link_target(
        LinkTarget(
            key="test.structure",
            label="Structure (double de test)",
            model="actors.Structure",
            choices=lambda territory: [(s.pk, s.name) for s in Structure.objects.filter(territory=territory)],
            url=lambda obj: f"/structures/{obj.slug}/",
        )
    )
    return double


def test_link_to_a_registry_target(territory, structure, other_territory):
    version = make_version(territory)
    objective, *_ = make_tree(version)
    foreign = StructureFactory(territory=other_territory, name="Ailleurs")
    with registry.override(structures_target()):
        link = services.add_link(
            actor=SYSTEM, node=objective, target_key="test.structure", object_id=structure.pk
        )
        assert link.label == structure.name
        assert services.link_url(link) == f"/structures/{structure.slug}/"
        for key, object_id in [
            ("test.structure", foreign.pk),
            ("inconnu", structure.pk),
            ("test.structure", structure.pk),
        ]:
            with pytest.raises(ValidationError):
                services.add_link(actor=SYSTEM, node=objective, target_key=key, object_id=object_id)
        assert Link.objects.count() == 1
        html = Client().get(f"/contrat/element/{objective.pk}/").content.decode()
        assert f'href="/structures/{structure.slug}/"' in html
    # The target is gone from the registry: the link stays, shown without a URL.
    with registry.override(Registry()):
        assert services.link_url(link) == ""


def test_link_page_offers_registry_targets(territory, structure, animator):
    version = make_version(territory)
    objective, *_ = make_tree(version)
    client = Client()
    client.force_login(animator)
    with registry.override(structures_target()):
        response = client.post(
            f"/contrat/gestion/element/{objective.pk}/lien/", {"target": f"test.structure:{structure.pk}"}
        )
    assert response.status_code == 302
    assert Link.objects.get().object_id == structure.pk


def test_plan_point_block(territory):
    assert blocks.plan_point(territory=territory, since=None, options={}) is None
    version = make_version(territory, year=dt.date.today().year)
    *_, a1, a2 = make_tree(version)
    services.change_status(actor=SYSTEM, node=a1, to_status="done")
    block = blocks.plan_point(territory=territory, since=None, options={})
    assert "avancement d'ensemble" in block.text and "Guide des acteurs" in block.text
    assert "<strong>50 %</strong>" in block.html
    assert "https://ess.paysdegrasse.test/contrat/" in block.html


def test_plan_actions_are_link_targets(territory):
    version = make_version(territory, year=dt.date.today().year)
    *_, a1, a2 = make_tree(version)
    target = registry.link_targets["plan.action"]
    assert [pk for pk, _ in target.choices(territory)] == [a1.pk, a2.pk]
    assert target.url(a1) == f"/contrat/element/{a1.pk}/"


def test_counts_text_agrees_in_number():

    assert counts_text(
        [("prévue", "planned", 1), ("en cours", "in_progress", 11), ("réalisée", "done", 3)]
    ) == ("1 prévue, 11 en cours, 3 réalisées")
    assert counts_text([("abandonnée", "abandoned", 0)]) == ""
