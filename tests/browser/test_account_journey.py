"""A person's whole journey in a real browser: sign up → verify the address from the mail → log in →
« Mon espace » → export my data → erase my account."""

from __future__ import annotations

import json
import re
import time

import pytest
from django.core import mail

from maillage.accounts.models import User

pytestmark = pytest.mark.browser

EMAIL = "camille.nouvelle@example.org"
PASSWORD = "Un-mot-de-passe-solide-2024"
CONFIRM_PATH = re.compile(r"/compte/confirm-email/[^/\s\"'<>]+/")


def wait_for_mail(count: int, seconds: float = 10.0) -> None:
    """The live server sends from its own thread of this process: wait (bounded) for `count` mails."""
    deadline = time.monotonic() + seconds
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def submit(form) -> None:
    form.locator("[type=submit]").first.click()


def test_sign_up_verify_log_in_export_and_erase(new_context, live_url, mailoutbox):
    page = new_context().new_page()

    # Sign up.
    response = page.goto("/compte/signup/")
    assert response is not None and response.status == 200
    form = page.locator("form:has(input[name=password1])")
    form.locator("input[name=first_name]").fill("Camille")
    form.locator("input[name=last_name]").fill("Nouvelle")
    form.locator("input[name=email]").fill(EMAIL)
    form.locator("input[name=password1]").fill(PASSWORD)
    form.locator("input[name=password2]").fill(PASSWORD)
    submit(form)
    page.wait_for_load_state()

    # The verification mail; its link opens a page, and only the POST there confirms.
    wait_for_mail(1)
    assert len(mailoutbox) == 1, "a verification mail must be sent"
    message = mailoutbox[0]
    assert message.to == [EMAIL]
    match = CONFIRM_PATH.search(message.body)
    assert match, f"no confirmation link in the mail:\n{message.body}"
    user = User.objects.get(email=EMAIL)
    assert not user.emailaddress_set.get(email=EMAIL).verified

    response = page.goto(match.group(0))
    assert response is not None and response.status == 200
    assert not user.emailaddress_set.get(email=EMAIL).verified, "opening the link (GET) must not confirm"
    submit(page.locator("main form[method=post]").first)
    page.wait_for_load_state()
    assert user.emailaddress_set.get(email=EMAIL).verified

    # Log in, in a fresh browser (a new session).
    page = new_context().new_page()
    page.goto("/compte/login/")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=login]").fill(EMAIL)
    form.locator("input[name=password]").fill(PASSWORD)
    submit(form)
    page.wait_for_load_state()

    # « Mon espace », reached from the header.
    page.get_by_role("link", name="Mon espace").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text().strip() == "Mon espace"

    # Export my data: a JSON download that holds my address.
    with page.expect_download() as download_info:
        page.locator("a[href$='/mes-donnees/'], form[action$='/mes-donnees/'] [type=submit]").first.click()
    download = download_info.value
    with open(download.path(), encoding="utf-8") as fh:
        exported = json.load(fh)
    assert EMAIL in json.dumps(exported, ensure_ascii=False)

    # Erase my account: a page explains, the password and a confirmation box are asked, the POST erases.
    page.locator("a[href$='/supprimer-mon-compte/']").first.click()
    page.wait_for_load_state()
    form = page.locator("main form:has(input[name=password])")
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("input[name=confirm]").check()
    submit(form)
    page.wait_for_load_state()
    assert not User.objects.filter(email=EMAIL).exists()
    assert page.get_by_text("Se connecter").first.is_visible(), "after erasure the person is logged out"
