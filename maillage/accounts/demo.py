"""Demo accounts (loader order 20): an animator and a moderator of the Pays de Grasse, a buyer, three
structure managers, and the animator of the second territory. Every address ends in @demo.maillage.fr and
every password is `maillage-demo`. People who need TOTP get an authenticator with a fixed secret, so
`TOTP_COMMAND EMAIL` (below) prints the code that lets the demo pass MFA. Re-running is safe.

The managers' structures and memberships belong to actors: its own loader (order 25) reads the managers
from `context["demo_accounts"]`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from maillage.accounts import services
from maillage.accounts.models import TerritoryRole, User
from maillage.core.actors import system
from maillage.core.models import Territory

DEMO = system("données de démonstration")

DEMO_PASSWORD = "maillage-demo"
DEMO_DOMAIN = "@demo.maillage.fr"
MAIN_TERRITORY = "pays-de-grasse"
# The command prints a demo account's TOTP code; the `maillage` command defaults to production settings.
TOTP_COMMAND = "DJANGO_SETTINGS_MODULE=config.settings.dev .venv/bin/maillage totp_code"
SECOND_TERRITORY = "vallee-du-loup"


@dataclass(frozen=True)
class DemoPerson:
    key: str
    email: str
    first_name: str
    last_name: str
    label: str
    territory: str | None = None
    role: str | None = None


PEOPLE = [
    DemoPerson(
        "animator",
        "camille.animatrice@demo.maillage.fr",
        "Camille",
        "Castel",
        "Animatrice du contrat (Pays de Grasse)",
        MAIN_TERRITORY,
        TerritoryRole.Role.ANIMATOR,
    ),
    DemoPerson(
        "moderator",
        "marc.moderateur@demo.maillage.fr",
        "Marc",
        "Giraud",
        "Modérateur (Pays de Grasse)",
        MAIN_TERRITORY,
        TerritoryRole.Role.MODERATOR,
    ),
    DemoPerson(
        "buyer",
        "nadia.acheteuse@demo.maillage.fr",
        "Nadia",
        "Benali",
        "Acheteuse (service des achats de l'agglomération)",
    ),
    DemoPerson(
        "manager_ressourcerie",
        "sophie.ressourcerie@demo.maillage.fr",
        "Sophie",
        "Marchetti",
        "Gestionnaire de « La Ressourcerie du Pays de Grasse »",
    ),
    DemoPerson(
        "manager_scop",
        "karim.scop@demo.maillage.fr",
        "Karim",
        "Haddad",
        "Gestionnaire de « Scop L’Atelier des Collines »",
    ),
    DemoPerson(
        "manager_jardins",
        "lea.jardins@demo.maillage.fr",
        "Léa",
        "Fabre",
        "Gestionnaire de « Les Jardins de la Siagne »",
    ),
    DemoPerson(
        "animator_second",
        "thomas.animateur@demo.maillage.fr",
        "Thomas",
        "Lefèvre",
        "Animateur du contrat (Vallée du Loup)",
        SECOND_TERRITORY,
        TerritoryRole.Role.ANIMATOR,
    ),
]


def demo_totp_secret(email: str) -> str:
    """A fixed base32 TOTP secret per demo address (20 bytes, as allauth generates)."""
    digest = hashlib.sha256(f"maillage-demo-totp:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode("ascii")


def _ensure_user(person: DemoPerson) -> User:
    return services.ensure_account(
        actor=DEMO,
        email=person.email,
        password=DEMO_PASSWORD,
        first_name=person.first_name,
        last_name=person.last_name,
    )


def _ensure_totp(user: User) -> None:
    services.ensure_totp(actor=DEMO, user=user, secret=demo_totp_secret(user.email))


@transaction.atomic
def load(*, today: dt.date, context: dict[str, Any], **_: Any) -> None:
    territories = {t.slug: t for t in Territory.objects.filter(slug__in=[MAIN_TERRITORY, SECOND_TERRITORY])}
    accounts: dict[str, User] = context.setdefault("demo_accounts", {})
    for person in PEOPLE:
        territory = territories.get(person.territory) if person.territory else None
        if person.territory and territory is None:
            continue  # the core loader did not create this territory: nothing to animate
        user = _ensure_user(person)
        accounts[person.key] = user
        line = f"{person.label} : {person.email}"
        if territory is not None and person.role:
            services.grant_territory_role(actor=DEMO, user=user, territory=territory, role=person.role)
            _ensure_totp(user)
            line += f" (TOTP : `{TOTP_COMMAND} {person.email}`)"
        context.setdefault("logins", []).append(line)
