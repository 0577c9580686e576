"""Figures and words that must agree: the charter's counts and the directory's facet, a structure's status
once it signed the version in force, each date once on the certificate."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string

from maillage.actors import directory
from maillage.actors.models import Structure
from maillage.charter import services
from maillage.charter.selectors import signatory_counts
from maillage.core.registry import registry
from maillage.events.models import Event, Kind, Status, Visibility
from tests.charter.factories import SignatureFactory, adopted_version
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(dt.datetime(2026, 6, 2, 9, tzinfo=dt.UTC), tick=False):
        yield


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def two_versions(territory, animator):
    """v1 signed by three structures, v2 adopted and re-signed by one of them (plus a newcomer)."""
    v1 = adopted_version(territory)
    resigned, waiting, waiting_too, newcomer = (
        StructureFactory(territory=territory, name=name)
        for name in ("Re-signée", "En attente", "En attente aussi", "Nouvelle venue")
    )
    for structure in (resigned, waiting, waiting_too):
        SignatureFactory(version=v1, structure=structure)
    v2 = services.create_version(actor=animator, territory=territory)
    services.transition_version(actor=animator, version=v2, to_status="open")
    services.transition_version(actor=animator, version=v2, to_status="adopted")
    SignatureFactory(version=v2, structure=resigned, signed_on=dt.date(2026, 5, 2))
    SignatureFactory(version=v2, structure=newcomer, signed_on=dt.date(2026, 5, 3))
    return v1, v2, resigned


def test_the_charter_page_counts_what_the_directory_facet_counts(client, territory, animator):
    v1, v2, _ = two_versions(territory, animator)
    hidden = StructureFactory(territory=territory, name="Fiche en attente", status=Structure.Status.PENDING)
    SignatureFactory(version=v2, structure=hidden)  # not published: counted nowhere
    counts = signatory_counts(territory)
    assert (counts.current, counts.previous_only, counts.total) == (2, 2, 4)
    # The metric the plan and the dashboard read counts the same structures (any version).
    metric = registry.metric("charter_signatories")
    assert metric.compute(territory, dt.date(2026, 1, 1), dt.date(2026, 6, 2)) == counts.total

    result = directory.run(directory.Filters(), territory)
    (facet,) = [f for f in result.facets if f.key == "badge"]
    (charter,) = [v for v in facet.values if v.key == "charter"]
    assert charter.label == "Signataire de la charte en vigueur"
    assert charter.count == counts.current

    home = text_of(client.get("/charte/").content.decode())
    assert (
        "2 structures ont signé la version en vigueur (la version 2) ; 2 autres n'ont signé qu'une " in home
    )
    listing = text_of(client.get("/charte/signataires/").content.decode())
    assert "4 structures signataires : 2 de la version en vigueur (la version 2" in listing
    assert "2 d'une version précédente seulement" in listing


def test_a_structure_that_signed_the_version_in_force_is_not_told_it_has_not(
    client, territory, animator, structure, manager
):
    v1 = adopted_version(territory)
    SignatureFactory(version=v1, structure=structure)
    page = text_of(client.get(f"/charte/signataires/{structure.slug}/").content.decode())
    assert "Version 1 signée" in page and "n'a pas encore signé" not in page  # v1 is in force

    v2 = services.create_version(actor=animator, territory=territory)
    services.transition_version(actor=animator, version=v2, to_status="open")
    services.transition_version(actor=animator, version=v2, to_status="adopted")
    page = text_of(client.get(f"/charte/signataires/{structure.slug}/").content.decode())
    assert "Version 1 signée — n'a pas encore signé la v2" in page

    services.sign_charter(
        actor=manager,
        version=v2,
        structure=structure,
        signer_name="Camille Martin",
        signer_role="présidente",
        commitment=True,
    )
    page = text_of(client.get(f"/charte/signataires/{structure.slug}/").content.decode())
    assert "n'a pas encore signé" not in page
    assert "Version 2 signée — version en vigueur" in page
    assert "Version 1 signée — version remplacée par la v2, que la structure a aussi signée" in page


def certificate_text(client, structure, number: int) -> str:
    response = client.get(f"/charte/signataires/{structure.slug}/attestation-v{number}.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    (context,) = [c for c in response.context if "ceremony_url" in c]
    context = context if isinstance(context, dict) else context.flatten()
    return text_of(render_to_string("charter/pdf_certificate.html", context))


def test_the_certificate_says_each_date_once(client, territory, structure):
    adopted_on = dt.date(2026, 1, 10)
    version = adopted_version(territory, adopted_on=adopted_on)
    start = dt.datetime.combine(adopted_on, dt.time(18), tzinfo=PARIS)
    ceremony = Event.objects.create(
        territory=territory,
        title="Rendez-vous de la charte",
        kind=Kind.PLENARY,
        status=Status.PUBLISHED,
        visibility=Visibility.PUBLIC,
        venue="Palais des congrès",
        slug="rendez-vous-de-la-charte",
        start=start,
        end=start + dt.timedelta(hours=2),
    )
    SignatureFactory(version=version, structure=structure, signed_on=adopted_on, ceremony=ceremony)
    text = certificate_text(client, structure, 1)
    assert (
        "le samedi 10 janvier 2026, jour de son adoption, lors de Rendez-vous de la charte "
        "(Palais des congrès), par Camille Martin, présidente." in text
    )
    assert text.count("10 janvier 2026") == 1, text

    # Signed later than the adoption, away from any ceremony: two dates, each said once.
    other = StructureFactory(territory=territory)
    SignatureFactory(version=version, structure=other, signed_on=dt.date(2026, 3, 1))
    text = certificate_text(client, other, 1)
    assert text.count(" 1 mars 2026") == 1 and text.count("10 janvier 2026") == 1, text
    assert "La version 1 a été adoptée le samedi 10 janvier 2026." in text
