"""`client_ip`: X-Forwarded-For is believed only from MAILLAGE_TRUSTED_PROXIES, read from the right."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from maillage.accounts.adapter import AccountAdapter
from maillage.core.ratelimit import axes_client_ip, client_ip


def request(remote: str, xff: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_never_read(settings):
    settings.MAILLAGE_TRUSTED_PROXIES = []
    assert client_ip(request("203.0.113.9", "198.51.100.7")) == "203.0.113.9"


def test_an_untrusted_peer_cannot_claim_another_address(settings):
    settings.MAILLAGE_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(request("203.0.113.9", "198.51.100.7")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client(settings):
    settings.MAILLAGE_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert client_ip(request("127.0.0.1", "198.51.100.7")) == "198.51.100.7"
    # The client forged a first hop; the load balancer (10.1.2.3) and nginx (127.0.0.1) are trusted.
    assert client_ip(request("127.0.0.1", "1.2.3.4, 198.51.100.7, 10.1.2.3")) == "198.51.100.7"


def test_a_trusted_proxy_without_header_or_with_garbage(settings):
    settings.MAILLAGE_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(request("127.0.0.1")) == "127.0.0.1"
    assert client_ip(request("127.0.0.1", "not-an-ip")) == "127.0.0.1"
    assert client_ip(request("127.0.0.1", "198.51.100.7:5123")) == "198.51.100.7"


def test_ipv6_networks(settings):
    settings.MAILLAGE_TRUSTED_PROXIES = ["::1", "2001:db8:aa::/48"]
    assert client_ip(request("::1", "2001:db8:bb::5, 2001:db8:aa::1")) == "2001:db8:bb::5"


def test_a_bad_setting_is_refused_clearly(settings):
    settings.MAILLAGE_TRUSTED_PROXIES = ["127.0.0.1", "proxy.local"]
    with pytest.raises(ImproperlyConfigured, match="proxy.local"):
        client_ip(request("127.0.0.1", "198.51.100.7"))


def test_axes_and_allauth_use_the_same_address(settings):
    settings.MAILLAGE_TRUSTED_PROXIES = ["127.0.0.1"]
    from axes.helpers import get_client_ip_address

    req = request("127.0.0.1", "198.51.100.7")
    assert get_client_ip_address(req) == "198.51.100.7"
    assert AccountAdapter(req).get_client_ip(req) == "198.51.100.7"
    assert axes_client_ip(request("")) is None
