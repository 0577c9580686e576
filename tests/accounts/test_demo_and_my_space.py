"""The demo accounts loader and « Mon espace »."""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from maillage.accounts import demo
from maillage.accounts.models import TerritoryRole, User
from maillage.actors import demo as actors_demo
from maillage.actors.models import Membership
from maillage.core.models import Territory
from maillage.core.registry import registry
from maillage.core.services import load_communes
from tests.factories import TerritoryFactory

TODAY = dt.date(2026, 3, 14)


def run_demo(context):
    # The core loader (order 10) has loaded the territory's communes before these loaders run.
    for territory in Territory.objects.filter(slug="pays-de-grasse"):
        load_communes(territory=territory)
    demo.load(today=TODAY, context=context)
    actors_demo.load(today=TODAY, context=context)


def test_the_loaders_are_registered_in_order():
    keys = [loader.key for loader in registry.ordered_demo_loaders()]
    assert keys.index("accounts") < keys.index("actors_demo_managers")
    assert registry.demo_loaders["accounts"].order == 20


def test_demo_accounts_are_created_once_with_verified_addresses(territory):
    TerritoryFactory(name="Vallée du Loup", slug="vallee-du-loup")
    context: dict = {"logins": []}
    run_demo(context)
    run_demo({"logins": []})  # re-running is safe
    users = User.objects.filter(email__endswith="@demo.maillage.fr")
    assert users.count() == 7
    for user in users:
        assert user.check_password("maillage-demo")
        assert EmailAddress.objects.get(user=user).verified
    camille = User.objects.get(email="camille.animatrice@demo.maillage.fr")
    assert camille.is_animator_of(territory)
    assert Authenticator.objects.filter(user=camille, type=Authenticator.Type.TOTP).count() == 1
    thomas = User.objects.get(email="thomas.animateur@demo.maillage.fr")
    assert TerritoryRole.objects.get(user=thomas).territory.slug == "vallee-du-loup"
    managers = Membership.objects.filter(
        role=Membership.Role.MANAGER, user__email__endswith="@demo.maillage.fr"
    )
    assert managers.count() == 4  # three managers and the buyer
    assert any(
        "camille.animatrice@demo.maillage.fr" in line and "maillage totp_code" in line
        for line in context["logins"]
    )


def test_the_demo_skips_a_missing_territory(territory):
    context: dict = {"logins": []}
    run_demo(context)
    assert not User.objects.filter(email="thomas.animateur@demo.maillage.fr").exists()
    assert User.objects.filter(email="camille.animatrice@demo.maillage.fr").exists()


def test_the_demo_does_nothing_harmful_without_territories(db):
    run_demo({"logins": []})
    assert not TerritoryRole.objects.exists()


def test_my_space_shows_identity_structures_roles_and_links(client, territory, manager, structure):
    client.force_login(manager)
    html = client.get("/compte/mon-espace/").content.decode()
    assert manager.email in html
    assert structure.name in html and "gestionnaire" in html
    for href in (
        "/compte/email/",
        "/compte/password/change/",
        "/compte/2fa/",
        "/compte/mon-espace/mes-donnees/",
        "/compte/mon-espace/supprimer-mon-compte/",
    ):
        assert f'href="{href}"' in html


def test_my_space_shows_an_animator_role(client, animator):
    client.force_login(animator)
    html = client.get("/compte/mon-espace/").content.decode()
    assert "Animateur ou animatrice — Pays de Grasse" in html
    assert "activée" in html
