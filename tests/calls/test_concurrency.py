"""Saves of the specification at once: after an adoption, several animators press « Enregistrer » together
(one connection per thread, on whichever database the suite runs): exactly one new working version, the
others update it; no error. Without the lock on the call, two saves both started a version 2."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from maillage.calls import services
from maillage.calls.models import Call, Specification
from tests.calls.factories import SYS, open_call

THREADS = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_the_specification_start_one_version(territory):
    call_pk = open_call(territory).pk  # its v1 is adopted: the next save starts v2
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            services.save_specification(actor=SYS, call=Call.objects.get(pk=call_pk), body=f"Version {n}")
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert list(Specification.objects.filter(call_id=call_pk).values_list("number", "status")) == [
        (1, "adopted"),
        (2, "draft"),
    ]
