"""Objects the registry's example-URL builders need, made through the services: an open census with its
themes and a question, an answer by the example structure, a collective session, weekly office hours held
by the animator (named adviser) with a slot booked by the example member, a support record, a resource.
Idempotent within a test database."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from maillage.core.actors import system
from maillage.core.registry import ExampleContext
from maillage.training import services
from maillage.training.models import Booking, Census, CollectiveSession, OfficeHours, Resource, SupportRecord

EXAMPLES = system("exemples du registre")


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def example_training(ctx: ExampleContext) -> dict[str, Any]:
    territory = ctx.territory
    now = timezone.now()
    census = Census.objects.filter(territory=territory).first()
    if census is None:
        census = services.create_census(
            actor=EXAMPLES,
            territory=territory,
            title="Besoins de formation 2027",
            opens_on=timezone.localdate(),
            deadline=now + dt.timedelta(days=30),
        )
        services.save_question(actor=EXAMPLES, census=census, label="Avez-vous des salariés ?", kind="yes_no")
        services.move_census(actor=EXAMPLES, census=census, to="open")
        theme = census.themes.get(name="Financements hybrides")
        services.save_theme(actor=EXAMPLES, census=census, theme=theme, name=theme.name, threshold=1)
        services.submit_response(
            actor=EXAMPLES,
            census=census,
            structure=ctx.structure,
            answers={},
            interests={theme.pk: {"staff": 2, "priority": 1, "periods": ["q1"], "formats": ["online"]}},
        )
    theme = census.themes.get(name="Financements hybrides")
    session = CollectiveSession.objects.filter(theme=theme).first()
    if session is None:
        start = now + dt.timedelta(days=40)
        session = services.create_collective_session(
            actor=EXAMPLES,
            theme=theme,
            title="DLA collectif : financements hybrides",
            start=start,
            end=start + dt.timedelta(hours=3),
            trainer="Cabinet Coopérer",
            priority_until=now + dt.timedelta(days=20),
            capacity=15,
            venue="Maison de l'ESS, Grasse",
        )
    office_hours = OfficeHours.objects.filter(territory=territory).first()
    if office_hours is None:
        adviser = services.name_adviser(
            actor=EXAMPLES, territory=territory, user=ctx.users["animator"], organisation="DLA 06"
        )
        first = timezone.localtime(now + dt.timedelta(days=2)).replace(
            hour=9, minute=0, second=0, microsecond=0
        )
        office_hours = services.publish_office_hours(
            actor=EXAMPLES,
            adviser=adviser,
            title="Permanence financements",
            rrule="FREQ=WEEKLY",
            first_start=first,
            slot_minutes=45,
            slots_per_occurrence=2,
            place="Maison de l'ESS, Grasse",
        )
    booking = Booking.objects.filter(office_hours=office_hours).first()
    if booking is None:
        booking = services.book_slot(
            actor=ctx.users["member"] or EXAMPLES,
            slot=office_hours.slots.first(),
            structure=ctx.structure,
            topic="Diversifier nos financements",
        )
    if not SupportRecord.objects.filter(territory=territory).exists():
        services.record_support(
            actor=EXAMPLES,
            structure=ctx.structure,
            kind="dla",
            date=timezone.localdate(),
            summary="Diagnostic DLA.",
        )
    resource = Resource.objects.filter(territory=territory).exclude(file="").first()
    if resource is None:
        resource = services.add_resource(
            actor=EXAMPLES,
            territory=territory,
            title="Guide des fonds européens",
            topic="fonds européens",
            file=SimpleUploadedFile("guide.pdf", _pdf()),
        )
    free_slot = office_hours.slots.exclude(pk=booking.slot_id).first()
    return {
        "census": census,
        "theme": theme,
        "session": session,
        "office_hours": office_hours,
        "booking": booking,
        "slot": free_slot,
        "resource": resource,
    }


def cancel_token_url(ctx: ExampleContext) -> str:
    objects = example_training(ctx)
    return services.cancel_link(objects["booking"])
