"""Behind Debian's nginx (deploy/nginx.conf), the rate limit counts per client address that nginx passes.

A real nginx (its own configuration in a temporary directory, loopback ports) in front of `maillage serve`
(gunicorn); two clients connect from 127.0.0.2 and 127.0.0.3, the first one forging X-Forwarded-For. The
first client is refused after the export's limit, the second one is not. Needs nginx: skipped with a reason
when it is missing, a failure under CI=true.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
pytestmark = pytest.mark.nginx


def load_script():
    path = ROOT / "scripts" / "check_deployment.py"
    spec = importlib.util.spec_from_file_location("check_deployment", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def script():
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("nginx est absent et CI=true : apt-get install nginx")
        pytest.skip("nginx est absent (apt-get install nginx)")
    return load_script()


def test_the_rate_limit_counts_per_client_address_behind_nginx(script, tmp_path):
    assert script.check_proxy(tmp_path) == []


def test_the_site_configuration_is_complete_once_templated(script, tmp_path):
    text = script.render_site(
        http_port=8080,
        https_port=8443,
        upstreams=["127.0.0.1:8000"],
        static_root=tmp_path,
        cert=tmp_path / "c.pem",
        key=tmp_path / "k.pem",
    )
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in text
    assert "@" not in text.replace("$", "")


def test_two_web_nodes_get_one_server_line_each(script, tmp_path):
    text = script.render_site(
        http_port=8080,
        https_port=8443,
        upstreams=["127.0.0.1:8001", "127.0.0.1:8002"],
        static_root=tmp_path,
        cert=tmp_path / "c.pem",
        key=tmp_path / "k.pem",
    )
    assert "server 127.0.0.1:8001;" in text and "server 127.0.0.1:8002;" in text
    assert "@UPSTREAM@" not in text
