"""The notification centre with a real SMTP inbox: a notification mail carries the RFC 8058 headers, and a
mail client's one-click POST (no cookie, no CSRF token) switches that kind to « jamais par courriel »."""

from __future__ import annotations

import re
import urllib.request
from urllib.parse import urlsplit

import pytest

from maillage.core.actors import SYSTEM
from maillage.notifications import services

pytestmark = pytest.mark.browser


def test_one_click_unsubscribe_from_a_notification_mail(live_url, smtp_inbox, territory, member):
    services.notify(
        kind="workspace.mention",
        territory=territory,
        recipients=[member],
        title="Camille vous a mentionné dans « Finances solidaires »",
        url="/ateliers/",
        actor=SYSTEM,
    )
    mail = smtp_inbox.wait_for(to=member.email, subject="Camille vous a mentionné", seconds=60)

    assert mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    match = re.fullmatch(r"<(https://[^>]+)>", mail.header("List-Unsubscribe").strip())
    assert match, mail.header("List-Unsubscribe")
    url = urlsplit(match.group(1))
    assert url.netloc == "ess.paysdegrasse.test" and url.path.startswith("/notifications/arret/")

    request = urllib.request.Request(  # noqa: S310 - the live server on loopback
        live_url + url.path,
        data=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        assert response.status == 200
        assert "vous ne recevrez plus ces notifications par courriel" in response.read().decode()
    assert services.delivery_for(member, "workspace.mention") == "never"
