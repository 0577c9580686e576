"""The permission matrix: request a registered page as each role and compare with the declared status."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import NoReverseMatch, reverse

from maillage.accounts.models import User
from maillage.actors.models import Structure
from maillage.core.models import Territory
from maillage.core.registry import MATRIX_ROLES, ExampleContext, PageSpec

# Where a signed-in person may legitimately be sent by a 302: the TOTP set-up (a role that requires MFA
# without an authenticator), re-authentication, the login page, or their own space (LOGIN_REDIRECT_URL: the
# login and sign-up pages send a person who is already signed in there).
_MFA_URL_NAMES = ("mfa_activate_totp", "mfa_index", "mfa_authenticate")
_REAUTH_URL_NAMES = ("account_reauthenticate", "mfa_reauthenticate")


def _paths(url_names: tuple[str, ...]) -> list[str]:
    paths = []
    for name in url_names:
        try:
            paths.append(reverse(name))
        except NoReverseMatch:
            continue
    return paths


def login_path() -> str:
    return urlsplit(resolve_url(settings.LOGIN_URL)).path


def example_context(
    *, territory: Territory, structure: Structure, users: Mapping[str, User | None]
) -> ExampleContext:
    missing = set(MATRIX_ROLES) - set(users)
    if missing:
        raise ValueError(f"no user for roles {sorted(missing)}")
    return ExampleContext(territory=territory, structure=structure, users=dict(users))


def client_for(user: User | None, *, client_class: type[Client] = Client) -> Client:
    """A test client signed in as `user` (anonymous when None), on the territory's host « testserver »."""
    client = client_class()
    if user is not None:
        client.force_login(user)
    return client


def check_redirect(*, role: str, user: User | None, location: str, requested: str) -> str | None:
    """None when a 302's target suits the role, else why not."""
    target = urlsplit(location)
    if role == "anonymous" or user is None:
        if target.path != login_path():
            return f"302 to {location!r}, expected the login page {login_path()!r}"
        nxt = parse_qs(target.query).get("next", [""])[0]
        if nxt and urlsplit(nxt).path != urlsplit(requested).path:
            return f"302 to the login page with next={nxt!r}, expected next={urlsplit(requested).path!r}"
        return None
    mfa_paths = _paths(_MFA_URL_NAMES)
    if any(target.path.startswith(p) for p in mfa_paths):
        return None
    if target.path == login_path() or target.path in _paths(_REAUTH_URL_NAMES):
        return None
    if target.path == urlsplit(resolve_url(settings.LOGIN_REDIRECT_URL)).path:
        return None
    return f"302 to {location!r}, expected the login, re-authentication or MFA page, or LOGIN_REDIRECT_URL"


def check_page_permissions(
    spec: PageSpec,
    ctx: ExampleContext,
    *,
    client_factory: Callable[[User | None], Client] = client_for,
) -> list[str]:
    """Request `spec`'s example URL as every matrix role; return one message per role answered wrongly."""
    url = spec.example_url(ctx)
    failures: list[str] = []
    for role in MATRIX_ROLES:
        user = ctx.users[role]
        expected = spec.expected[role]
        client = client_factory(user)
        try:
            response = client.get(url)
        except Exception as exc:  # a crash is a failure of the page, reported with the others
            failures.append(f"{spec.name} as {role}: GET {url} raised {type(exc).__name__}: {exc}")
            continue
        got = response.status_code
        if got != expected:
            where = f" → {response.get('Location')}" if got in (301, 302, 303, 307, 308) else ""
            failures.append(f"{spec.name} as {role}: GET {url} gave {got}{where}, declared {expected}")
            continue
        if got == 302:
            problem = check_redirect(role=role, user=user, location=response["Location"], requested=url)
            if problem:
                failures.append(f"{spec.name} as {role}: GET {url} {problem}")
    return failures
