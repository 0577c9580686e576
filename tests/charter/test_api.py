"""The charter's API: public versions only, signatories with name and role only."""

from __future__ import annotations

import pytest

from maillage.charter.models import Signature
from tests.charter.factories import VersionFactory, adopted_version

pytestmark = pytest.mark.django_db


def test_the_api_serves_the_adopted_version_and_hides_drafts(client, territory):
    version = adopted_version(territory, articles=(("Coopérer", "Nous coopérons."),))
    VersionFactory(charter=version.charter, number=2, status="draft")
    data = client.get("/api/v1/charte").json()
    assert data["number"] == 1 and data["articles"][0]["title"] == "Coopérer"
    assert [v["number"] for v in client.get("/api/v1/charte/versions").json()] == [1]
    assert client.get("/api/v1/charte/versions/2").status_code == 404


def test_the_api_lists_signatories_without_accounts(client, territory, structure, manager):
    version = adopted_version(territory)
    Signature.objects.create(
        version=version,
        structure=structure,
        signer_name="Camille Martin",
        signer_role="présidente",
        commitment=True,
        signed_on="2026-02-01",
        signed_by=manager,
    )
    rows = client.get("/api/v1/charte/signataires").json()
    assert rows == [
        {
            "structure": structure.name,
            "structure_slug": structure.slug,
            "commune": None,
            "latest_version": 1,
            "signed_current_version": True,
            "signed_on": "2026-02-01",
            "signer_name": "Camille Martin",
            "signer_role": "présidente",
        }
    ]
    assert "gestionnaire@example.org" not in str(rows)


def test_no_adopted_version_is_a_404(client, territory):
    assert client.get("/api/v1/charte").status_code == 404
