"""Files on S3-compatible storage: moto's S3 server runs on loopback (a real HTTP server speaking the S3 API),
the settings point Django's storages at it as `MAILLAGE_S3_*` would; a logo goes there through the service
and is read back from the bucket; a storage that does not answer gives a French message and nothing is
written."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request

import boto3
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from config.settings.base import s3_storages
from maillage.actors import services
from maillage.actors.models import Structure
from maillage.core.storage import UNAVAILABLE

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    binary = shutil.which("moto_server")
    if binary is None:
        pytest.skip("moto_server (moto[server]) is not installed")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [binary, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("moto_server did not start")
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(10)


def configure(settings, endpoint: str) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        **s3_storages(
            bucket="maillage-public",
            private_bucket="maillage-private",
            endpoint_url=endpoint,
            region="us-east-1",
            access_key="test",
            secret_key="test",  # noqa: S106
        ),
    }


@pytest.fixture
def s3(settings, s3_server):
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="t",
        aws_secret_access_key="t",  # noqa: S106
    )
    for bucket in ("maillage-public", "maillage-private"):
        client.create_bucket(Bucket=bucket)
    configure(settings, s3_server)
    yield client
    for bucket in ("maillage-public", "maillage-private"):
        for item in client.list_objects_v2(Bucket=bucket).get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])
        client.delete_bucket(Bucket=bucket)


def test_a_logo_is_stored_in_the_bucket(s3, territory, animator):
    structure = services.create_structure(
        actor=animator,
        territory=territory,
        data={"name": "Atelier du logo", "family": "association"},
        logo=ContentFile(PNG, name="logo.png"),
    )
    structure.refresh_from_db()
    body = s3.get_object(Bucket="maillage-public", Key=structure.logo.name)["Body"].read()
    assert body == PNG
    assert structure.logo.url.startswith(s3.meta.endpoint_url)
    # an edit replaces it through the same API
    services.update_structure(
        actor=animator, structure=structure, data={}, logo=ContentFile(PNG + b"2", name="nouveau.png")
    )
    structure.refresh_from_db()
    assert s3.get_object(Bucket="maillage-public", Key=structure.logo.name)["Body"].read() == PNG + b"2"


def test_private_files_need_a_signed_short_lived_url(s3):
    private = storages["private"]
    name = private.save("ateliers/1/compte-rendu.pdf", ContentFile(b"%PDF-1.4 secret"))
    assert s3.get_object(Bucket="maillage-private", Key=name)["Body"].read() == b"%PDF-1.4 secret"
    url = private.url(name)
    assert "Signature" in url or "X-Amz-Signature" in url  # never a plain public URL
    with private.open(name, "rb") as handle:  # what the permission-checked views stream
        assert handle.read() == b"%PDF-1.4 secret"


def test_storage_down_french_message_and_nothing_written(settings, territory, animator):
    configure(settings, f"http://127.0.0.1:{free_port()}")  # nothing listens there
    count = Structure.objects.count()
    with pytest.raises(ValidationError) as raised:
        services.create_structure(
            actor=animator,
            territory=territory,
            data={"name": "Atelier sans stockage", "family": "association"},
            logo=ContentFile(PNG, name="logo.png"),
        )
    assert UNAVAILABLE in raised.value.messages
    assert Structure.objects.count() == count
