"""The settings of a task worker started by the fault tests (`maillage worker` as a real process): those of
`serve_settings`, with two changes that only shorten waits. The reaper presumes a run killed after 2 s instead
of 30 min (the killed run is RUNNING for longer than that when the test enqueues the reaper; no live run of
these tests lasts that long while the reaper runs), and the geocoder points at a closed port on loopback (no
network in tests; the generated rows carry their coordinates anyway)."""

from datetime import timedelta

from tests.faults.serve_settings import *  # noqa: F403

MAILLAGE_TASK_REAP_AFTER = timedelta(seconds=2)
MAILLAGE_GEOCODER_URL = "http://127.0.0.1:9/geocodage"
