"""The matching's narrow rows stay a faithful copy of the offers and structures: after every write path
(the offer services, the directory's services, the geocoder, a bulk rebuild, a deletion), each stored row
equals the one a rebuild from the tables writes, and the matching sees the change."""

from __future__ import annotations

import pytest

from maillage.actors import services as actors
from maillage.actors.models import Structure
from maillage.core.actors import SYSTEM
from maillage.procurement import services
from maillage.procurement.matching import ranked_matches
from maillage.procurement.models import MatchRow
from maillage.procurement.services.rows import rebuild_match_rows
from tests.factories import CommuneFactory
from tests.procurement.factories import need, supplier

pytestmark = pytest.mark.django_db

FIELDS = [f.attname for f in MatchRow._meta.concrete_fields]


def stored(territory) -> dict:  # noqa: ANN001
    return {r["offer_id"]: r for r in MatchRow.objects.filter(territory=territory).values(*FIELDS)}


def assert_in_sync(territory) -> dict:  # noqa: ANN001
    """The rows as the writes left them are the rows a rebuild writes."""
    before = stored(territory)
    rebuild_match_rows(territory.pk)
    assert before == stored(territory)
    return before


def row(structure) -> dict:  # noqa: ANN001
    return MatchRow.objects.filter(structure=structure).values(*FIELDS).get()


def test_every_write_path_keeps_the_rows_in_sync(territory, animator):
    grasse = territory.communes.get(insee_code="06069")
    far = CommuneFactory(insee_code="06088", name="Nice", latitude=43.703, longitude=7.266)
    territory.communes.add(far)
    a = supplier(territory, name="Ateliers A", staff=12)
    b = supplier(territory, name="Brigade B", sectors=("proprete",), offer_types=("goods", "works"))
    rows = assert_in_sync(territory)
    assert len(rows) == 2
    assert row(a)["fixed_points"] == 10 and row(a)["published"] and row(a)["insee_code"] == "06069"
    assert row(b)["offer_bits"] == 0b101  # goods, works

    # the offer's services: an edit by the system goes live, references raise the fixed points
    services.save_offer(actor=SYSTEM, structure=a, offer_types=["staffing"], perimeter="france", staff=3)
    assert (row(a)["offer_bits"], row(a)["perimeter"], row(a)["fixed_points"]) == (0b1000, "france", 6)
    reference = services.add_reference(actor=SYSTEM, structure=a, client="Ville", year=2024, text="Tonte")
    assert row(a)["fixed_points"] == 9
    services.remove_reference(actor=SYSTEM, reference=reference)
    assert row(a)["fixed_points"] == 6
    assert_in_sync(territory)

    # the directory's services: name, inclusion kind, sectors, commune; the geocoder; archive and back
    actors.update_structure(
        actor=animator,
        structure=b,
        data={"name": "Brigade Verte", "inclusion_kind": "EI", "commune": far.insee_code},
        sectors=["environnement", "batiment"],
    )
    b = Structure.objects.get(pk=b.pk)
    assert row(b)["name"] == "Brigade Verte" and row(b)["inclusion_kind"] == "EI"
    assert row(b)["insee_code"] == "06088"
    assert_in_sync(territory)
    actors.set_position(structure_id=b.pk, latitude=43.7, longitude=7.25, geocoding="manual")
    assert (row(b)["latitude"], row(b)["longitude"]) == (43.7, 7.25)
    item = need(a, sectors=["environnement"], commune=grasse)
    assert b.pk in [m.structure.pk for m in ranked_matches(item)]
    actors.transition_structure(actor=animator, structure=b, to_status="archived")
    assert not row(b)["published"]
    assert b.pk not in [m.structure.pk for m in ranked_matches(item)]
    assert_in_sync(territory)

    # a bulk load rebuilt by the directory (the benchmark's generator, a restore): the rows follow
    MatchRow.objects.filter(structure=a).update(name="périmé", fixed_points=0)
    actors.rebuild_directory(territory.pk)
    assert row(a)["name"] == "Ateliers A" and row(a)["fixed_points"] == 6

    # a structure deleted takes its row with it
    actors.delete_structure(actor=animator, structure=a)
    assert not MatchRow.objects.filter(structure_id=a.pk).exists()
    assert_in_sync(territory)


def test_a_structure_created_with_a_commune_is_placed_at_once(territory):
    structure = supplier(territory, name="Sans adresse")
    commune = structure.commune
    assert (row(structure)["latitude"], row(structure)["longitude"]) == (commune.latitude, commune.longitude)
    assert_in_sync(territory)
