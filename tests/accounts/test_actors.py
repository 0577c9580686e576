"""accounts' services take an explicit actor: a person, or the system (never None), and ask permissions.py."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.exceptions import PermissionDenied

from maillage.accounts import services
from maillage.accounts.models import TerritoryRole
from maillage.core.actors import SYSTEM, system
from maillage.core.models import PersonalDataAccess


def test_the_system_grants_a_role_silently_and_history_names_nobody(territory, member, mailoutbox):
    services.grant_territory_role(
        actor=system("commande"), user=member, territory=territory, role=TerritoryRole.Role.MODERATOR
    )
    assert member.is_moderator_of(territory)
    assert mail.outbox == []
    assert TerritoryRole.history.filter(user_id=member.pk).get().history_user_id is None


def test_a_forgotten_actor_is_refused_before_anything_is_written(territory, member):
    with pytest.raises(TypeError, match="never None"):
        services.grant_territory_role(
            actor=None,  # type: ignore[arg-type]
            user=member,
            territory=territory,
            role=TerritoryRole.Role.MODERATOR,
        )
    assert not TerritoryRole.objects.filter(user=member).exists()


def test_a_member_may_not_grant_a_role(territory, member, manager):
    with pytest.raises(PermissionDenied, match="Seule l'animation"):
        services.grant_territory_role(
            actor=manager, user=member, territory=territory, role=TerritoryRole.Role.MODERATOR
        )


def test_the_system_is_not_the_person_for_her_own_export(territory, member):
    with pytest.raises(PermissionDenied, match="vos propres données"):
        services.export_personal_data(actor=SYSTEM, user=member, territory=territory)
    services.export_personal_data(actor=member, user=member, territory=territory)
    assert PersonalDataAccess.objects.get().actor == member


def test_accounts_created_by_the_system_only(db, member):
    user = services.ensure_account(
        actor=SYSTEM, email="nouvelle@example.org", password=None, first_name="Noé"
    )
    assert EmailAddress.objects.get(user=user).verified
    assert services.ensure_account(actor=SYSTEM, email="nouvelle@example.org", password=None) == user
    services.ensure_totp(actor=SYSTEM, user=user, secret="JBSWY3DPEHPK3PXP")
    services.ensure_totp(actor=SYSTEM, user=user, secret="JBSWY3DPEHPK3PXP")
    assert Authenticator.objects.filter(user=user).count() == 1
    with pytest.raises(PermissionDenied):
        services.ensure_account(actor=member, email="autre@example.org", password=None)
    with pytest.raises(PermissionDenied):
        services.ensure_totp(actor=member, user=member, secret="JBSWY3DPEHPK3PXP")
