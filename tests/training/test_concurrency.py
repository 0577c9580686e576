"""Never two bookings on one slot: many people press « Réserver » on the same slot at once, one connection
per thread, on whichever database the suite runs (SQLite here, PostgreSQL with scripts/run_tests.py
postgres): exactly one booking, every other one refused with the French message."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from maillage.training import services
from maillage.training.models import Booking, Slot
from tests.factories import MembershipFactory, StructureFactory, UserFactory
from tests.training.factories import office_hours_of

THREADS = 12


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_slot(territory):
    office_hours = office_hours_of(territory, UserFactory(email="conseil@example.org"))
    slot_pk = office_hours.slots.first().pk
    people = []
    for i in range(THREADS):
        structure = StructureFactory(territory=territory, name=f"Structure {i}")
        user = UserFactory(email=f"booker{i}@example.org")
        MembershipFactory(user=user, structure=structure, role="member")
        people.append((user, structure))
    barrier = threading.Barrier(THREADS)
    booked: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(user, structure):
        try:
            barrier.wait(timeout=30)
            booking = services.book_slot(
                actor=user, slot=Slot(pk=slot_pk), structure=structure, topic="Financements"
            )
            with lock:
                booked.append(booking.pk)
        except ValidationError as exc:
            with lock:
                refused.append(exc.messages[0])
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=p) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(booked) == 1
    assert len(refused) == THREADS - 1
    assert set(refused) <= {
        "Ce créneau est déjà réservé : choisissez-en un autre.",
        "Ce créneau vient d'être réservé par une autre structure : choisissez-en un autre.",
    }
    assert Booking.objects.filter(slot_id=slot_pk, state="booked").count() == 1
