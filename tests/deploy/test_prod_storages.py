"""The production settings keep S3-compatible storage when it is configured (several web nodes share files).

config/settings/prod.py used to replace STORAGES whole for WhiteNoise, which silently put uploads back on the
local disk of each node — and dropped the « private » store — whatever MAILLAGE_S3_* said.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

# Starts its own installation in a subprocess, on SQLite whatever the suite's database: the SQLite pass only
# (scripts/run_tests.py leaves the « processes » tests out of the PostgreSQL pass).
pytestmark = pytest.mark.processes

PRINT_STORAGES = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps({k: v['BACKEND'] for k, v in settings.STORAGES.items()}))"
)


def storages_with(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILLAGE_") and k != "DATABASE_URL"}
    env.update(
        {"DJANGO_SETTINGS_MODULE": "config.settings.prod", "MAILLAGE_SECRET_KEY": secrets.token_urlsafe(50)}
    )
    env.update(extra)
    result = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", PRINT_STORAGES],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_uploads_go_to_s3_when_a_bucket_is_set():
    backends = storages_with(
        {"MAILLAGE_S3_BUCKET": "maillage-public", "MAILLAGE_S3_ENDPOINT_URL": "http://127.0.0.1:9"}
    )
    assert backends["default"] == "storages.backends.s3.S3Storage"
    assert backends["private"] == "storages.backends.s3.S3Storage"
    assert backends["staticfiles"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_production_uploads_stay_on_the_local_disk_without_a_bucket():
    backends = storages_with({})
    assert backends["default"] == "django.core.files.storage.FileSystemStorage"
    assert backends["staticfiles"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
