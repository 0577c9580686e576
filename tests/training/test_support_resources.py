"""Support follow-up seen only by the animation, the advisers and the structure; metrics; the resources
library's uploads through core's checks; personal data export and erasure."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from maillage.core.registry import registry
from maillage.training import integrations, services
from maillage.training.models import Booking, Resource, SupportRecord
from tests.factories import UserFactory
from tests.training.factories import TESTS, office_hours_of

pytestmark = pytest.mark.django_db


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_support_records_are_seen_by_animation_advisers_and_the_structure_only(
    territory, structure, member, manager_other, animator, animator_other
):
    adviser = UserFactory(email="conseil@example.org")
    services.name_adviser(actor=TESTS, territory=territory, user=adviser, organisation="DLA 06")
    record = services.record_support(
        actor=adviser, structure=structure, kind="dla", date=timezone.localdate(), summary="Diagnostic"
    )
    for person, sees in (
        (animator, True),
        (adviser, True),
        (member, True),
        (manager_other, False),
        (animator_other, False),
    ):
        assert list(SupportRecord.objects.for_user(person, territory)) == ([record] if sees else []), person
    from django.contrib.auth.models import AnonymousUser

    assert not SupportRecord.objects.for_user(AnonymousUser(), territory).exists()


def test_only_animation_and_advisers_record_support(territory, structure, member):
    with pytest.raises(PermissionDenied, match="conseillers"):
        services.record_support(actor=member, structure=structure, kind="dla", date=timezone.localdate())
    with pytest.raises(ValidationError, match="future"):
        services.record_support(
            actor=TESTS, structure=structure, kind="dla", date=timezone.localdate() + dt.timedelta(days=2)
        )
    assert not SupportRecord.objects.exists()


def test_support_metrics_count_structures_once(territory, structure):
    day = timezone.localdate()
    services.record_support(actor=TESTS, structure=structure, kind="dla", date=day)
    services.record_support(actor=TESTS, structure=structure, kind="funding", date=day)
    start, end = day - dt.timedelta(days=30), day
    assert integrations.structures_supported(territory, start, end) == 1
    assert integrations.structures_dla(territory, start, end) == 1
    assert integrations.structures_funding_advice(territory, start, end) == 1
    assert registry.metrics["training_structures_supported"].compute(territory, start, end) == 1


def test_a_pdf_guide_is_kept_and_a_disguised_page_refused(territory, animator):
    resource = services.add_resource(
        actor=animator,
        territory=territory,
        title="Guide FSE+",
        topic="fonds européens",
        file=SimpleUploadedFile("guide.pdf", _pdf(), content_type="application/pdf"),
    )
    assert resource.file.name.startswith("training/") and resource.file_name == "guide.pdf"
    with pytest.raises(ValidationError):
        services.add_resource(
            actor=animator,
            territory=territory,
            title="Piège",
            file=SimpleUploadedFile(
                "piege.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
            ),
        )
    with pytest.raises(ValidationError, match="fichier ou indiquez un lien"):
        services.add_resource(actor=animator, territory=territory, title="Vide")
    assert Resource.objects.count() == 1


def test_personal_data_export_and_erasure(territory, structure, member):
    slot = office_hours_of(territory, UserFactory(email="conseil@example.org")).slots.first()
    services.book_slot(actor=member, slot=slot, structure=structure, topic="Mon sujet")
    exported = services.export_person(member)
    assert exported["reservations_de_permanence"][0]["sujet"] == "Mon sujet"
    services.erase_person(member)
    booking = Booking.objects.get()
    assert (booking.user_id, booking.topic) == (None, "(effacé)")
    assert not booking.transitions.filter(actor=member).exists()
