"""axe-core (WCAG 2.1 A/AA) on the HTML pages that the registry's walk (test_accessibility.py) cannot reach
with a plain GET: django-allauth's pages that need a state (a login in progress, a fresh authentication, a key
from a mail, an account without a password), the error pages, and a form sent with errors.

`FLOWS` maps a URL name to the way a person gets there; tests/test_accessibility_coverage.py requires every
HTML page of the URL conf to be registered, reached here, or excluded with a reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.template.loader import render_to_string
from django.urls import resolve

from tests.browser.axe import axe_violations, format_violations
from tests.conftest import with_totp
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "motdepasse-solide-42"  # tests/factories.py's UserFactory
TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # tests/conftest.py's with_totp


def totp_code() -> str:
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // mfa_settings.TOTP_PERIOD))


def log_in(new_context, user, *, with_code: bool = False) -> Any:
    """A fresh browser signed in through the login form (so allauth records a recent authentication)."""
    page = new_context().new_page()
    page.goto("/compte/login/")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=login]").fill(user.email)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[type=submit]").first.click()
    page.wait_for_load_state()
    if with_code:
        page.locator("main input[name=code]").fill(totp_code())
        page.locator("main form [type=submit]").first.click()
        page.wait_for_load_state()
    return page


def reauthenticate_if_asked(page) -> None:
    """allauth asks for the password (or the code) again before its security pages: give it, like a person."""
    path = urlsplit(page.url).path
    if path == "/compte/reauthenticate/":
        page.locator("main input[name=password]").fill(PASSWORD)
    elif path == "/compte/2fa/reauthenticate/":
        page.locator("main input[name=code]").fill(totp_code())
    else:
        return
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()


def _signed_in(path: str) -> Callable[..., Any]:
    def go(new_context, member, animator) -> Any:
        page = new_context(user=member).new_page()
        page.goto(path)
        return page

    return go


def _anonymous(path: str) -> Callable[..., Any]:
    def go(new_context, member, animator) -> Any:
        page = new_context().new_page()
        page.goto(path)
        return page

    return go


def _fresh_member(path: str) -> Callable[..., Any]:
    def go(new_context, member, animator) -> Any:
        page = log_in(new_context, member)
        page.goto(path)
        reauthenticate_if_asked(page)
        return page

    return go


def _fresh_animator(path: str) -> Callable[..., Any]:
    def go(new_context, member, animator) -> Any:
        page = log_in(new_context, animator, with_code=True)
        page.goto(path)
        reauthenticate_if_asked(page)
        return page

    return go


def _mfa_authenticate(new_context, member, animator) -> Any:
    return log_in(new_context, animator)  # the login stops on the code page


def _confirm_email(new_context, member, animator) -> Any:
    person = UserFactory(email="a-confirmer@example.org", verified=False)
    address, _ = EmailAddress.objects.get_or_create(
        user=person, email=person.email, defaults={"primary": True}
    )
    page = new_context().new_page()
    page.goto(f"/compte/confirm-email/{EmailConfirmationHMAC(address).key}/")
    return page


def _reset_from_key(new_context, member, animator) -> Any:
    page = new_context().new_page()
    token = default_token_generator.make_token(member)
    page.goto(f"/compte/password/reset/key/{user_pk_to_url_str(member)}-{token}/")  # redirected to the form
    return page


def _set_password(new_context, member, animator) -> Any:
    person = UserFactory(email="sans-mot-de-passe@example.org")
    person.set_unusable_password()
    person.save()
    page = new_context(user=person).new_page()
    page.goto("/compte/password/set/")
    return page


def _reauthentication_code(new_context, member, animator) -> Any:
    page = new_context(user=member).new_page()
    page.goto("/compte/reauthenticate/code/")
    page.locator("main form [type=submit]").first.click()  # « send me a code »: on to the code page
    page.wait_for_load_state()
    return page


def _recovery_codes(new_context, member, animator) -> Any:
    page = log_in(new_context, animator, with_code=True)
    page.goto("/compte/2fa/recovery-codes/generate/")
    reauthenticate_if_asked(page)
    page.locator("main form [type=submit]").first.click()  # generate them: on to the list
    page.wait_for_load_state()
    if urlsplit(page.url).path != "/compte/2fa/recovery-codes/":
        page.goto("/compte/2fa/recovery-codes/")
    return page


FLOWS: dict[str, Callable[..., Any]] = {
    "account_logout": _signed_in("/compte/logout/"),
    "account_inactive": _anonymous("/compte/inactive/"),
    "account_email_verification_sent": _anonymous("/compte/confirm-email/"),
    "account_confirm_email": _confirm_email,
    "account_reset_password_done": _anonymous("/compte/password/reset/done/"),
    "account_reset_password_from_key": _reset_from_key,
    "account_reset_password_from_key_done": _anonymous("/compte/password/reset/key/done/"),
    "account_set_password": _set_password,
    "account_reauthenticate": _signed_in("/compte/reauthenticate/"),
    "account_request_reauthentication_code": _signed_in("/compte/reauthenticate/code/"),
    "account_confirm_reauthentication_code": _reauthentication_code,
    "mfa_authenticate": _mfa_authenticate,
    "mfa_reauthenticate": _fresh_animator("/compte/2fa/reauthenticate/"),
    "mfa_activate_totp": _fresh_member("/compte/2fa/totp/activate/"),
    "mfa_deactivate_totp": _fresh_animator("/compte/2fa/totp/deactivate/"),
    "mfa_generate_recovery_codes": _fresh_animator("/compte/2fa/recovery-codes/generate/"),
    "mfa_view_recovery_codes": _recovery_codes,
}


@pytest.mark.parametrize("url_name", sorted(FLOWS))
def test_allauth_page_has_no_wcag_violation(url_name, new_context, territory, member, animator):
    with_totp(animator)
    page = FLOWS[url_name](new_context, member, animator)
    reached = resolve(urlsplit(page.url).path).url_name
    status = page.evaluate("() => performance.getEntriesByType('navigation')[0].responseStatus")
    assert (reached, status) == (url_name, 200), f"the flow for {url_name} ended on {page.url} ({status})"
    violations = axe_violations(page)
    assert not violations, f"{url_name} at {page.url}:\n{format_violations(violations)}"


def test_error_pages_have_no_wcag_violation(new_context, territory, member, structure):
    problems = []
    page = new_context(user=member).new_page()
    for path, status in (("/cette-page-n-existe-pas/", 404), ("/compte/equipe/", 403)):
        response = page.goto(path)
        assert response is not None and response.status == status, (path, response and response.status)
        problems += [f"{status} {path}:\n{format_violations(v)}" for v in [axe_violations(page)] if v]

    # The CSRF failure page: a form sent without its token (an expired session, a stale tab).
    page.goto("/compte/mon-espace/mon-nom/")
    page.evaluate("() => document.querySelectorAll('[name=csrfmiddlewaretoken]').forEach(e => e.remove())")
    with page.expect_navigation():
        page.locator("main form[method=post] [type=submit]").first.click()
    assert "403" in page.title() or page.locator("main").count() == 1
    problems += [f"403 CSRF:\n{format_violations(v)}" for v in [axe_violations(page)] if v]

    # The 500 page is rendered without the database (which may be what failed): drawn on a page of the site
    # so that its style sheet loads from the same origin.
    # Likewise the 503 page (the database out of reach, tests/core/test_database_outage.py).
    for template in ("500.html", "503.html"):
        page.goto("/cette-page-n-existe-pas/")
        page.set_content(render_to_string(template))
        page.wait_for_load_state()
        problems += [f"{template}:\n{format_violations(v)}" for v in [axe_violations(page)] if v]
    assert not problems, "\n".join(problems)


def test_a_form_sent_with_errors_has_no_wcag_violation(new_context, territory, member):
    """The error summary and the messages beside the fields, as a person sees them after a bad submit."""
    page = new_context(user=member).new_page()
    page.goto("/compte/mon-espace/mon-nom/")
    form = page.locator("main form[method=post]").first
    for field in form.locator("input[type=text]").all():
        field.fill("")
    form.locator("[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("[data-error-summary]").count() == 1, "the form was expected to answer with errors"
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
