"""Never overbooked: ≥ 50 concurrent registrations, one connection per thread, at a 30-seat event.

Runs on whichever database the suite uses (SQLite file with IMMEDIATE transactions, or PostgreSQL with
SELECT … FOR UPDATE): exactly 30 people get a seat, the others are on the waitlist, and the `sequence` drawn
under the event's lock is gap-free (1..N) in commit order: seats go to 1..30, the waitlist is 31..N.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from maillage.events import services
from maillage.events.models import Event, Registration
from tests.events.factories import EventFactory
from tests.factories import UserFactory

THREADS = 60
CAPACITY = 30


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_overbook(territory):
    event = EventFactory(territory=territory, capacity=CAPACITY)
    users = [UserFactory(email=f"concurrent{i}@example.org") for i in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    committed: list[int] = []
    order_lock = threading.Lock()

    def worker(user):
        try:
            barrier.wait(timeout=30)
            registration = services.register_account(actor=user, event=Event(pk=event.pk), now=None)
            with order_lock:
                committed.append(registration.sequence)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=worker, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(committed) == THREADS

    rows = list(
        Registration.objects.filter(event=event).order_by("sequence").values_list("sequence", "state")
    )
    assert [seq for seq, _ in rows] == list(range(1, THREADS + 1))  # no gap, no duplicate
    assert [state for _, state in rows] == ["registered"] * CAPACITY + ["waitlisted"] * (THREADS - CAPACITY)
    assert Event.objects.get(pk=event.pk).registration_counter == THREADS
    # the waitlist positions are 1..N-30, in the order the registrations committed
    waitlist = list(
        Registration.objects.filter(event=event, state="waitlisted")
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
    assert waitlist == list(range(CAPACITY + 1, THREADS + 1))
