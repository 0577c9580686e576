"""Who does a write: a person (a `User`) or the platform itself (a `SystemActor`), never `None`.

Every service takes `actor: Actor`. A person's rights are checked by the app's `permissions.py`; the system
actor is how a task, an import, the scheduler, a migration or the demo loader says « nobody clicked this »:
it is explicit at the call site (`SYSTEM`, or `system("import Sirene")` for a labelled one), and it passes
the checks that a task legitimately needs (`is_system(actor)`), while `None` is refused at once
(`require_actor`), so that a forgotten argument can no longer skip a permission check.

Logs store the person (`user_of(actor)`, a foreign key, `None` for the system) and a label
(`actor_label(actor)`), so a history line reads « Système (import Sirene) » rather than an empty name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    # django-stubs' placeholder for settings.AUTH_USER_MODEL: its plugin reads it as `accounts.User`, so a
    # service may call `actor.has_perm(…)` and store `user_of(actor)` in a foreign key without a cast (core
    # cannot import accounts).
    from django.contrib.auth.models import _User
    from typing_extensions import TypeIs  # narrows both ways: `if not is_system(actor): actor.has_perm(…)`


@dataclass(frozen=True)
class SystemActor:
    """The platform acting on its own (task, import, scheduler, demo loader, data migration)."""

    reason: str = ""
    # « Système » for the platform itself, « Visiteur » for a person without an account acting through a
    # signed link (confirming a registration from the mail, unsubscribing).
    who: str = "Système"

    # Duck-typed like an anonymous user where templates or helpers look at these.
    pk: None = None
    is_authenticated: bool = False
    is_superuser: bool = False

    @property
    def label(self) -> str:
        return f"{self.who} ({self.reason})" if self.reason else self.who

    def __str__(self) -> str:
        return self.label


SYSTEM = SystemActor()

Actor: TypeAlias = "_User | SystemActor"


def system(reason: str) -> SystemActor:
    """A system actor that says why (shown in history: « Système (import Sirene) »)."""
    return SystemActor(reason=reason)


def visitor(how: str) -> SystemActor:
    """A person without an account, acting through a signed link (« Visiteur (lien du courriel) »)."""
    return SystemActor(reason=how, who="Visiteur")


def is_system(actor: object) -> TypeIs[SystemActor]:
    return isinstance(actor, SystemActor)


def require_actor(actor: object) -> Actor:
    """The actor itself; `None` (a forgotten argument) or an anonymous user is a programming error."""
    if actor is None:
        raise TypeError("A service needs an actor: a user or core.actors.SYSTEM, never None.")
    if isinstance(actor, SystemActor):
        return actor
    if not getattr(actor, "is_authenticated", False):
        raise TypeError("An anonymous visitor is not an actor: pass visitor(…) or SYSTEM instead.")
    return actor  # type: ignore[return-value]


def user_of(actor: Actor | None) -> _User | None:
    """The user to store in an `actor` foreign key (`None` for the system)."""
    if actor is None or isinstance(actor, SystemActor):
        return None
    return actor if getattr(actor, "pk", None) else None


def actor_label(actor: Actor | None) -> str:
    """What a history line shows for who did it."""
    if actor is None:
        return ""
    if isinstance(actor, SystemActor):
        return actor.label
    name = getattr(actor, "display_name", "") or getattr(actor, "email", "")
    return str(name)[:150]
