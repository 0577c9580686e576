"""TOTP is required for animators, moderators and superusers; the check costs no query for others."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.management import CommandError, call_command
from django.http import HttpResponse
from django.test import RequestFactory

from maillage.accounts import services
from maillage.accounts.middleware import SESSION_KEY, RequireMFAMiddleware
from maillage.accounts.models import TerritoryRole
from maillage.core.actors import SYSTEM
from tests.factories import TerritoryRoleFactory, UserFactory

PASSWORD = "motdepasse-solide-42"
NOW = dt.datetime(2026, 3, 14, 10, 0, tzinfo=dt.UTC)
ACTIVATE = "/compte/2fa/totp/activate/"


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(NOW.timestamp()) // 30))


@pytest.fixture
def animator_without_totp(territory):
    user = UserFactory(email="nouvelle.animatrice@example.org")
    TerritoryRoleFactory(user=user, territory=territory)
    return user


def log_in(client, user):
    response = client.post("/compte/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def open_totp_set_up(client):
    """allauth asks for the password again before adding a second factor."""
    response = client.get(ACTIVATE)
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/reauthenticate/")
    assert client.get(response["Location"]).status_code == 200
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    return client.get(ACTIVATE)


@pytest.mark.parametrize(
    "url", ["/compte/mon-espace/", "/", "/structures/", "/compte/mon-espace/mes-donnees/"]
)
def test_an_animator_without_totp_is_sent_to_the_totp_set_up(client, animator_without_totp, url):
    client.force_login(animator_without_totp)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE


def test_superusers_and_moderators_need_totp_too(client, territory):
    superuser = UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    moderator = UserFactory(email="moderation@example.org")
    TerritoryRoleFactory(user=moderator, territory=territory, role=TerritoryRole.Role.MODERATOR)
    for user in (superuser, moderator):
        client.force_login(user)
        assert client.get("/compte/mon-espace/")["Location"] == ACTIVATE


def test_members_are_not_asked_for_totp(client, member):
    client.force_login(member)
    assert client.get("/compte/mon-espace/").status_code == 200


@time_machine.travel(NOW, tick=False)
def test_after_activating_totp_the_animator_gets_through(client, animator_without_totp):
    log_in(client, animator_without_totp)
    assert client.get("/compte/mon-espace/")["Location"] == ACTIVATE
    page = open_totp_set_up(client)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Activer" in html and 'alt="Code QR' in html
    secret = re.search(r'id="authenticator_secret" value="([A-Z2-7]+)"', html).group(1)
    response = client.post(ACTIVATE, {"code": current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=animator_without_totp, type=Authenticator.Type.TOTP).exists()
    assert client.get("/compte/mon-espace/").status_code == 200
    assert client.get("/").status_code == 200


@time_machine.travel(NOW, tick=False)
def test_a_wrong_totp_code_is_refused_in_french(client, animator_without_totp):
    log_in(client, animator_without_totp)
    open_totp_set_up(client)
    response = client.post(ACTIVATE, {"code": "000000"})
    assert response.status_code == 200
    assert "Code incorrect" in response.content.decode() or "incorrect" in response.content.decode()
    assert not Authenticator.objects.filter(user=animator_without_totp).exists()


def test_a_role_granted_in_another_session_takes_effect_at_the_next_request(client, territory, member):
    client.force_login(member)
    assert client.get("/compte/mon-espace/").status_code == 200  # decision cached in the session
    services.grant_territory_role(
        actor=SYSTEM, user=member, territory=territory, role=TerritoryRole.Role.MODERATOR
    )
    assert client.get("/compte/mon-espace/")["Location"] == ACTIVATE


def test_an_animator_cannot_deactivate_totp(client, animator):
    client.force_login(animator)
    totp = Authenticator.objects.get(user=animator, type=Authenticator.Type.TOTP)
    from maillage.accounts.adapter import MFAAdapter

    assert not MFAAdapter().can_delete_authenticator(totp)


def _request_with_session(user, session_value=None):
    request = RequestFactory().get("/compte/mon-espace/")
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    if session_value is not None:
        request.session[SESSION_KEY] = session_value
    request.user = user
    return request


def test_the_check_costs_no_query_once_decided(member, django_assert_num_queries):
    middleware = RequireMFAMiddleware(lambda r: HttpResponse("ok"))
    first = _request_with_session(member)
    with django_assert_num_queries(1):  # has the person a territory role? asked once per session
        middleware(first)
    decided = first.session[SESSION_KEY]
    with django_assert_num_queries(0):
        assert middleware(_request_with_session(member, decided)).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_the_demo_totp_code_passes_mfa_at_login(client, territory, other_territory, settings):
    from maillage.accounts import demo

    territory.slug = "pays-de-grasse"
    territory.save()
    demo.load(today=NOW.date(), context={"logins": []})
    out = io.StringIO()
    call_command("totp_code", "camille.animatrice@demo.maillage.fr", stdout=out, stderr=io.StringIO())
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    response = client.post(
        "/compte/login/", {"login": "camille.animatrice@demo.maillage.fr", "password": "maillage-demo"}
    )
    assert response["Location"] == "/compte/2fa/authenticate/"
    response = client.post("/compte/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert client.get("/compte/mon-espace/").status_code == 200


def test_totp_code_refuses_real_accounts_outside_debug(animator, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusé"):
        call_command("totp_code", animator.email, stdout=io.StringIO())
