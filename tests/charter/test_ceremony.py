"""Signing at a ceremony: the ceremony is an agenda event of the charter's territory, offered by the signing
form through a scoped choice, checked by the service, and shown (with a link) on the public pages."""

from __future__ import annotations

import datetime as dt
import re
import zlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from maillage.charter import services
from maillage.charter.models import Signature, SignatureTransition
from maillage.charter.selectors import ceremonies_for
from maillage.events.models import Event, Kind, Status, Visibility
from tests.charter.factories import adopted_version

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        yield


PARIS = ZoneInfo("Europe/Paris")
ADOPTED = dt.date(2026, 1, 10)


def event(territory, title="Rendez-vous de la charte", *, day=ADOPTED, **extra) -> Event:
    start = dt.datetime.combine(day, dt.time(18, 0), tzinfo=PARIS)
    fields = {
        "kind": Kind.PLENARY,
        "status": Status.PUBLISHED,
        "visibility": Visibility.PUBLIC,
        "venue": "Palais des congrès",
        "slug": f"ceremonie-{Event.objects.count() + 1}",
        **extra,
    }
    return Event.objects.create(
        territory=territory, title=title, start=start, end=start + dt.timedelta(hours=2), **fields
    )


def pdf_objects(data: bytes) -> bytes:
    """The PDF's bytes with its compressed streams (object streams hold the link annotations) inflated."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def sign(actor, version, structure, **extra):
    return services.sign_charter(
        actor=actor,
        version=version,
        structure=structure,
        signer_name="Camille Martin",
        signer_role="présidente",
        commitment=True,
        **extra,
    )


def test_the_form_offers_the_territorys_ceremonies_only(
    client, territory, other_territory, structure, manager
):
    version = adopted_version(territory, adopted_on=ADOPTED)
    ceremony = event(territory)
    elsewhere = event(other_territory, "Cérémonie de la Vallée du Loup")
    event(territory, "Formation comptabilité", kind=Kind.TRAINING)
    event(territory, "Plénière en préparation", status=Status.DRAFT)
    event(territory, "Plénière réservée", visibility=Visibility.MEMBERS)
    event(territory, "Plénière d'avant l'adoption", day=ADOPTED - dt.timedelta(days=20))
    event(territory, "Plénière à venir", day=dt.date(2026, 4, 1))
    assert list(ceremonies_for(version)) == [ceremony]
    client.force_login(manager)
    page = client.get("/charte/v1/signer/").content.decode()
    assert "Cérémonie de signature (facultatif)" in page
    assert f'<option value="{ceremony.pk}">Rendez-vous de la charte — samedi 10 janvier 2026</option>' in page
    assert elsewhere.title not in page and "Formation comptabilité" not in page and "réservée" not in page


def test_without_any_ceremony_the_form_does_not_ask(client, territory, structure, manager):
    adopted_version(territory, adopted_on=ADOPTED)
    client.force_login(manager)
    assert "Cérémonie de signature" not in client.get("/charte/v1/signer/").content.decode()


def test_signing_at_a_ceremony_through_the_form(client, territory, structure, manager):
    version = adopted_version(territory, adopted_on=ADOPTED)
    ceremony = event(territory)
    client.force_login(manager)
    data = {
        "structure": structure.pk,
        "signer_name": "Camille Martin",
        "signer_role": "présidente",
        "commitment": "on",
        "ceremony": ceremony.pk,
    }
    response = client.post(f"/charte/v{version.number}/signer/", data)
    assert response.status_code == 302
    assert Signature.objects.get().ceremony == ceremony


def test_the_form_refuses_a_ceremony_of_another_territory(
    client, territory, other_territory, structure, manager
):
    version = adopted_version(territory, adopted_on=ADOPTED)
    event(territory)
    elsewhere = event(other_territory, "Cérémonie de la Vallée du Loup")
    client.force_login(manager)
    data = {
        "structure": structure.pk,
        "signer_name": "Camille Martin",
        "signer_role": "présidente",
        "commitment": "on",
        "ceremony": elsewhere.pk,
    }
    response = client.post(f"/charte/v{version.number}/signer/", data)
    assert response.status_code == 200
    assert "Choisissez une cérémonie de signature du territoire." in response.content.decode()
    assert not Signature.objects.exists() and not SignatureTransition.objects.exists()


def test_the_service_refuses_a_ceremony_of_another_territory(territory, other_territory, structure, manager):
    version = adopted_version(territory, adopted_on=ADOPTED)
    elsewhere = event(other_territory, "Cérémonie de la Vallée du Loup")
    with pytest.raises(ValidationError) as error:
        sign(manager, version, structure, ceremony=elsewhere)
    assert error.value.message_dict["ceremony"] == [
        "Ce rendez-vous n'appartient pas au territoire de la charte : choisissez une cérémonie de signature "
        "du territoire."
    ]
    assert not Signature.objects.exists() and not SignatureTransition.objects.exists()


def test_the_service_refuses_an_event_that_is_no_ceremony(territory, structure, manager):
    version = adopted_version(territory, adopted_on=ADOPTED)
    training = event(territory, "Formation comptabilité", kind=Kind.TRAINING)
    with pytest.raises(ValidationError) as error:
        sign(manager, version, structure, ceremony=training)
    assert "ne peut pas servir de cérémonie de signature pour la version 1" in error.value.messages[0]
    assert not Signature.objects.exists()


def test_the_ceremony_shows_on_the_public_pages(client, territory, structure, manager):
    version = adopted_version(territory, adopted_on=ADOPTED)
    ceremony = event(territory)
    sign(manager, version, structure, ceremony=ceremony, signed_on=ADOPTED)
    link = (
        f'signée lors de <a href="/agenda/{ceremony.slug}/">Rendez-vous de la charte</a>, '
        "le samedi 10 janvier 2026"
    )
    assert link in client.get("/charte/signataires/").content.decode()
    assert link in client.get(f"/charte/signataires/{structure.slug}/").content.decode()
    assert client.get(f"/agenda/{ceremony.slug}/").status_code == 200  # the link leads somewhere
    response = client.get(f"/charte/signataires/{structure.slug}/attestation-v1.pdf")
    assert response.content.startswith(b"%PDF")
    certificate = next(c for c in response.context if "ceremony_url" in c)
    assert certificate["ceremony_url"] == territory.absolute_url(f"/agenda/{ceremony.slug}/")
    assert certificate["ceremony_url"].encode() in pdf_objects(response.content)  # the PDF's link annotation


def test_a_deleted_event_leaves_the_signature_standing(territory, structure, manager):
    version = adopted_version(territory, adopted_on=ADOPTED)
    ceremony = event(territory)
    signature = sign(manager, version, structure, ceremony=ceremony)
    ceremony.delete()
    signature.refresh_from_db()
    assert signature.is_active and signature.ceremony is None
