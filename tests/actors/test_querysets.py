"""Chainable, permission-scoped reads of actors (`Model.objects.for_user(user, territory)`)."""

from __future__ import annotations

import pytest

from maillage.actors import services
from maillage.actors.models import EditProposal, ErrorReport, ManagementRequest, Practice, Structure
from tests.factories import StructureFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_structures_for_user_chain(territory, animator, manager, structure, member):
    hidden = StructureFactory(territory=territory, name="Archivée", status=Structure.Status.ARCHIVED)
    anonymous = UserFactory()
    assert hidden not in Structure.objects.for_user(anonymous, territory)
    assert hidden in Structure.objects.for_user(animator, territory)
    assert list(Structure.objects.published(territory).filter(name__startswith="La ")) == [structure]
    assert structure in Structure.objects.for_user(member, territory).published()


def test_claims_and_reports_for_user(territory, animator, manager, member, structure):
    person = UserFactory()
    claim = services.request_management(actor=person, structure=structure)
    report = services.report_error(structure=structure, message="Le téléphone ne répond plus.")
    assert list(ManagementRequest.objects.for_user(manager, territory).pending()) == [claim]
    assert list(ManagementRequest.objects.for_user(person, territory)) == [claim]
    assert not ManagementRequest.objects.for_user(member, territory).exists()
    assert list(ManagementRequest.objects.for_user(animator, territory)) == [claim]
    assert list(ErrorReport.objects.for_user(animator, territory)) == [report]
    assert not ErrorReport.objects.for_user(manager, territory).exists()
    assert not EditProposal.objects.for_user(member, territory).exists()


def test_practices_for_user(territory, manager, animator, structure):
    practice = services.save_practice(
        actor=manager, structure=structure, title="Réemploi", themes=["gouvernance"], body="…"
    )
    hidden = StructureFactory(territory=territory, name="En attente", status=Structure.Status.PENDING)
    draft = services.save_practice(
        actor=animator, structure=hidden, title="Brouillon", themes=["gouvernance"]
    )
    assert list(Practice.objects.public(territory)) == [practice]
    assert draft not in Practice.objects.for_user(UserFactory(), territory)
