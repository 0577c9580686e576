"""Writes of accounts: the person's name, territory roles, personal-data export and account erasure.

Every function is keyword-only, typed, and runs in one transaction. `actor` is the person acting, or the
system actor (`core.actors.SYSTEM`: the demo loader, a management command); who may do what is decided in
`permissions.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from maillage.accounts.models import TerritoryRole, User
from maillage.accounts.permissions import check_can_manage_roles, check_is_self
from maillage.core.actors import Actor, is_system, require_actor, user_of
from maillage.core.mail import send_mail_on_commit, territory_url
from maillage.core.models import Territory
from maillage.core.registry import registry
from maillage.core.services import log_personal_data


@transaction.atomic
def ensure_account(
    *, actor: Actor, email: str, password: str | None, first_name: str = "", last_name: str = ""
) -> User:
    """The account using `email`, created (with a verified primary address) if there is none.

    Only the system creates accounts this way (demo data, example pages, commands); people sign up through
    allauth's pages."""
    if not is_system(require_actor(actor)):
        raise PermissionDenied("Les comptes se créent par la page d'inscription.")
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, password, first_name=first_name, last_name=last_name)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def ensure_totp(*, actor: Actor, user: User, secret: str) -> None:
    """Give `user` a TOTP authenticator with this base32 `secret`, unless they have one (demo accounts)."""
    if not is_system(require_actor(actor)):
        raise PermissionDenied("Chaque personne active elle-même sa double authentification.")
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        encrypted = get_mfa_adapter().encrypt(secret)
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": encrypted})


def _bump_access_version(user: User) -> None:
    """Any change of roles invalidates the MFA decision cached in the person's sessions."""
    User.objects.filter(pk=user.pk).update(access_version=F("access_version") + 1)
    user.refresh_from_db(fields=["access_version"])
    user.__dict__.pop("_territory_roles", None)


@transaction.atomic
def grant_territory_role(*, actor: Actor, user: User, territory: Territory, role: str) -> TerritoryRole:
    """Make `user` an animator or moderator of `territory` (idempotent). Logged in the role's history."""
    require_actor(actor)
    if role not in TerritoryRole.Role.values:
        raise ValidationError({"role": "Ce rôle n'existe pas."})
    check_can_manage_roles(actor, territory)
    existing = TerritoryRole.objects.filter(user=user, territory=territory, role=role).first()
    if existing is not None:
        return existing
    granted = TerritoryRole(user=user, territory=territory, role=role)
    granted._history_user = user_of(actor)
    granted._change_reason = "Rôle attribué"
    granted.save()
    _bump_access_version(user)
    if not is_system(actor):  # the demo and commands grant silently
        # A security notice, not a notification: it goes straight to the person's address and cannot be
        # muted (the notification centre's « jamais » must not hide that someone received rights on the
        # account); accounts also sits below the notification centre in the layers.
        send_mail_on_commit(
            territory=territory,
            to=user.email,
            template="notification",
            context={
                "body": (
                    f"{actor.display_name} vous a nommé·e {granted.get_role_display()} sur la plateforme "
                    f"« {territory.name} ». À votre prochaine connexion, vous devrez activer la double "
                    "authentification (une application d'authentification sur votre téléphone)."
                ),
                "action_url": territory_url(territory, "accounts:my_space"),
                "action_label": "Mon espace",
                "title": f"Vous êtes {granted.get_role_display()} du territoire",
            },
        )
    return granted


@transaction.atomic
def revoke_territory_role(*, actor: Actor, user: User, territory: Territory, role: str) -> bool:
    """Take a role back. Returns False when the person did not hold it. Logged in the role's history."""
    require_actor(actor)
    check_can_manage_roles(actor, territory)
    held = TerritoryRole.objects.filter(user=user, territory=territory, role=role).first()
    if held is None:
        return False
    if role == TerritoryRole.Role.ANIMATOR:
        animators = TerritoryRole.objects.select_for_update().filter(
            territory=territory, role=TerritoryRole.Role.ANIMATOR
        )
        if len(animators) <= 1:  # locked rows: two animators cannot remove each other at the same time
            raise ValidationError(
                "C'est le dernier rôle d'animation du territoire : nommez d'abord une autre personne."
            )
    held._history_user = user_of(actor)
    held._change_reason = "Rôle retiré"
    held.delete()
    _bump_access_version(user)
    return True


@transaction.atomic
def update_name(*, actor: Actor, user: User, first_name: str, last_name: str) -> User:
    """Change the person's own first and last name (« Mon espace »). Both are required."""
    check_is_self(require_actor(actor), user, "Vous ne pouvez modifier que votre propre nom.")
    first_name, last_name = first_name.strip(), last_name.strip()
    errors = {}
    if not first_name:
        errors["first_name"] = "Indiquez votre prénom."
    if not last_name:
        errors["last_name"] = "Indiquez votre nom."
    if errors:
        raise ValidationError(errors)
    user.first_name, user.last_name = first_name[:150], last_name[:150]
    user.save(update_fields=["first_name", "last_name"])
    return user


ADMIN_EDITABLE_FIELDS = frozenset(
    {"email", "password", "first_name", "last_name", "is_active", "is_staff", "is_superuser"}
)


@transaction.atomic
def save_account_by_superuser(*, actor: Actor, user: User, fields: Iterable[str]) -> User:
    """A superuser's change of an account in the technical admin (already set on `user` by the form).

    Rights changes bump the person's access version, so the cached MFA decision is taken again.
    """
    actor = require_actor(actor)
    if is_system(actor) or not actor.is_superuser:
        raise PermissionDenied("Seul un super-utilisateur modifie un compte dans l'administration.")
    changed = set(fields) & ADMIN_EDITABLE_FIELDS
    user.full_clean(exclude=["password"])
    if changed:
        user.save(update_fields=sorted(changed))
    if changed & {"is_active", "is_staff", "is_superuser"}:
        _bump_access_version(user)
    return user


@transaction.atomic
def set_password_by_superuser(*, actor: Actor, user: User, password: str | None) -> User:
    """A superuser sets a person's password in the technical admin (`None`: password sign-in disabled).

    The password validators have run in the admin's form. Changing the hash ends the person's other
    sessions (Django's session hash); the access version is bumped so the MFA decision is taken again.
    """
    actor = require_actor(actor)
    if is_system(actor) or not actor.is_superuser:
        raise PermissionDenied("Seul un super-utilisateur change un mot de passe dans l'administration.")
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    _bump_access_version(user)
    return user


def _count_records(value: Any) -> int:
    if isinstance(value, list):
        return len(value)
    if isinstance(value, dict):
        return sum(_count_records(v) for v in value.values()) or 1
    return 0


@transaction.atomic
def export_personal_data(*, actor: Actor, user: User, territory: Territory | None) -> dict[str, Any]:
    """Everything every app keeps about `user`, gathered through the registry's personal-data hooks.

    Only the person may export their own data here. The export is logged in PersonalDataAccess (who,
    what, when) without the person's address.
    """
    check_is_self(require_actor(actor), user, "Vous ne pouvez exporter que vos propres données.")
    sections: dict[str, Any] = {}
    for hook in registry.ordered_personal_data():
        sections[hook.key] = {"description": hook.label, "donnees": hook.export(user)}
    rows = sum(_count_records(section["donnees"]) for section in sections.values())
    log_personal_data(
        actor=actor,
        territory=territory,
        what=f"Export de ses propres données (compte n° {user.pk})",
        rows=rows,
    )
    return {
        "format": "maillage-donnees-personnelles/1",
        "exporte_le": timezone.now().isoformat(),
        "sections": sections,
    }


def export_filename(today: dt.date) -> str:
    return f"mes-donnees-maillage-{today.isoformat()}.json"


@transaction.atomic
def erase_account(*, actor: Actor, user: User) -> None:
    """Erase a person: every app's hook in registry order (accounts' own, which deletes the user, last).

    Only the person may erase their own account here (the view re-checks the password first).
    """
    check_is_self(require_actor(actor), user, "Vous ne pouvez supprimer que votre propre compte.")
    for hook in registry.ordered_personal_data():
        hook.erase(user)
