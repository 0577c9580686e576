"""Login is rate-limited (allauth, per address) and locked out after repeated failures (django-axes, per
address and IP); both answers are in French, and the attempts are logged per address for the RGPD hooks."""

from __future__ import annotations

import datetime as dt

import time_machine
from axes.models import AccessAttempt, AccessFailureLog

PASSWORD = "motdepasse-solide-42"
START = dt.datetime(2026, 3, 14, 10, 0, tzinfo=dt.UTC)


def attempt(client, email, password="pas-le-bon"):
    return client.post("/compte/login/", {"login": email, "password": password})


def test_repeated_failures_are_rate_limited_then_locked_out(client, member):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(5):
            response = attempt(client, member.email)
            assert response.status_code == 200
            assert "L’adresse e-mail ou le mot de passe sont incorrects." in response.content.decode()
        # allauth: 5 failures per address in 5 minutes, then even the right password is refused.
        response = attempt(client, member.email, PASSWORD)
        assert response.status_code in (200, 429)
        assert "Trop de tentatives" in response.content.decode()
        assert "_auth_user_id" not in client.session

        # Six minutes later allauth lets the address try again, but django-axes counts on (8 failures in
        # 15 minutes per address and IP): the lock-out page, in French.
        traveller.shift(dt.timedelta(minutes=6))
        for _ in range(3):
            response = attempt(client, member.email)
        response = attempt(client, member.email, PASSWORD)
        assert response.status_code == 429
        assert "Trop de tentatives de connexion" in response.content.decode()
        assert "_auth_user_id" not in client.session

        assert AccessAttempt.objects.filter(username=member.email).exists()
        assert AccessFailureLog.objects.filter(username=member.email).count() >= 8

        # After the cool-off, the right password works again.
        traveller.shift(dt.timedelta(minutes=16))
        response = attempt(client, member.email, PASSWORD)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(member.pk)


def test_failures_on_one_address_do_not_lock_another(client, member, manager):
    with time_machine.travel(START, tick=False):
        for _ in range(6):
            attempt(client, member.email)
        response = attempt(client, manager.email, PASSWORD)
        assert response.status_code == 302
