"""Starts of the specification at once: after an adoption, several animators press « Commencer une nouvelle
version » together (one connection per thread, on whichever database the suite runs): exactly one new
working version, the others get it; no error. Without the lock on the call, two starts both made a v2."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from maillage.calls import services
from maillage.calls.models import Call, Specification
from tests.calls.factories import SYS, open_call

THREADS = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_of_the_specification_make_one_version(territory):
    call_pk = open_call(territory).pk  # its v1 is adopted: the next start makes v2
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            spec = services.start_specification(actor=SYS, call=Call.objects.get(pk=call_pk))
            services.save_spec_article(actor=SYS, specification=spec, title=f"Ajout {n}", body="Texte.")
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
    v2 = Specification.objects.get(call_id=call_pk, number=2)
    assert v2.articles.count() == 1 + THREADS  # the copied article, and one per animator
