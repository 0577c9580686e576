"""The directory's demo: plausible names and slugs, postcodes, valid invented SIRETs, distinct people, and no
geocoding queued for structures placed at creation."""

from __future__ import annotations

import datetime as dt
import re

from stdnum.fr import siret

from maillage.accounts import demo as accounts_demo
from maillage.actors import demo, tasks
from maillage.actors.models import Structure
from maillage.core.services import load_communes
from tests.factories import TerritoryFactory

TODAY = dt.date(2026, 3, 14)


def test_demo_loads_plausible_structures(db, django_capture_on_commit_callbacks):
    territory = TerritoryFactory(slug="pays-de-grasse", name="Pays de Grasse")
    load_communes(territory=territory)
    context: dict = {}
    accounts_demo.load(today=TODAY, context=context)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        demo.load(today=TODAY, context=context)
    structures = list(Structure.objects.filter(territory=territory))
    assert len(structures) == 84
    names = [s.name for s in structures]
    assert len(set(names)) == len(names)
    assert not [n for n in names if re.search(r"\(\d+\)", n)]
    assert not [s.slug for s in structures if s.slug.startswith("demo-")]
    generated = [s for s in structures if s.contact_name]
    assert len({s.contact_name for s in generated}) == len(generated) == 80
    assert all(s.postal_code for s in generated)
    with_siret = [s for s in structures if s.siret]
    assert len(with_siret) > 20 and all(siret.is_valid(s.siret) for s in with_siret)
    assert {"cooperative", "societe_ess"} <= {s.family for s in with_siret}
    assert any(s.inclusion_kind for s in with_siret)
    assert len({s.description for s in generated}) > 60
    # every generated structure is placed at creation: none waits for the geocoder
    assert all(s.is_located for s in generated)
    queued = [
        cb
        for cb in callbacks
        if getattr(getattr(cb, "func", None), "__self__", None) is tasks.geocode_structure_task
    ]
    assert len(queued) <= len(structures) - len(generated)  # only the four hand-written ones may be queued
    # re-running changes nothing
    demo.load(today=TODAY, context=context)
    assert Structure.objects.filter(territory=territory).count() == 84
