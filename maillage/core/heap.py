"""The web process's start-up heap, kept out of the garbage collector's full passes.

A web process holds ~300,000 long-lived objects once Django, every app and every route are loaded. CPython's
cyclic collector walks all of them in each full (oldest-generation) pass, which a request allocating many
objects (a 200-row API page builds ~7,000 model instances and their schema objects) sets off every few
requests: 180-200 ms of CPU inside an unlucky request (bench/README.md, API section: a 200-row page at
200,000 structures, CPU p50 22 ms, p95 203 ms; 24 ms with the heap frozen). `settle()` loads what every
request needs, collects the start-up garbage once, then moves what is left to the permanent generation
(`gc.freeze()`): full passes then walk only what requests allocated. The frozen objects are never collected;
they live as long as the process anyway.
"""

from __future__ import annotations

import gc

from django.urls import get_resolver


def settle() -> int:
    """Load the URLconf (every app's views and API routers), collect once, freeze the heap; returns the
    number of frozen objects. Called once per process, after start-up (config/wsgi.py)."""
    get_resolver().url_patterns  # noqa: B018 - imports every view module and router
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
