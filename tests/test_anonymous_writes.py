"""Every form a visitor without an account can send (#22, security sweep) is either rate-limited — with the
test that proves it named here — or reached only through a signed link that a forged token cannot open.

The forms are found, not listed by hand: every registered page that an anonymous visitor opens (200) is
fetched and its `<form method="post">` collected. A new anonymous form fails `test_every_anonymous_form_is_
declared` until it is declared below with its proof; a declaration whose form is gone fails it too.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core import mail

from maillage.actors.views import CONTACT_LIMIT_PER_IP
from maillage.core.registry import registry
from maillage.needs.models import Support
from maillage.needs.views.public import RATE_PER_ADDRESS, RATE_PER_IP, TOO_MANY_ADDRESS
from tests.harness.matrix import client_for
from tests.needs.factories import need

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Limited:
    proof: str  # "tests/path.py::test_name": the test that floods the form and reads the refusal


@dataclass(frozen=True)
class AllauthLimited:
    key: str  # a key of ACCOUNT_RATE_LIMITS (allauth counts and refuses with 429)


@dataclass(frozen=True)
class SignedLink:
    what: str  # what the link does; the page only opens with the token the mail carried


HERE = "tests/test_anonymous_writes.py"

ANONYMOUS_WRITES: dict[str, Limited | AllauthLimited | SignedLink] = {
    "account_login": AllauthLimited("login_failed"),
    "account_reset_password": AllauthLimited("reset_password"),
    "account_signup": AllauthLimited("signup"),
    "actors:contact": Limited(f"{HERE}::test_the_contact_form_is_rate_limited_per_connection"),
    "actors:detail": Limited(f"{HERE}::test_the_contact_form_is_rate_limited_per_connection"),  # same form
    "actors:report": Limited("tests/actors/test_directory.py::test_error_report_is_rate_limited"),
    "awards:vote": Limited(
        "tests/awards/test_votes.py::test_the_form_is_rate_limited_per_connection_and_per_address"
    ),
    "awards:vote_confirm": SignedLink("confirmer son vote"),
    "events:cancel_link": SignedLink("annuler son inscription"),
    "events:checkin": SignedLink("émargement (lien à durée limitée)"),
    "events:confirm": SignedLink("confirmer son inscription"),
    "events:register": Limited("tests/events/test_views.py::test_anonymous_registration_is_rate_limited"),
    "needs:confirm": SignedLink("confirmer un signalement"),
    "needs:confirm_support": SignedLink("confirmer un soutien"),
    "needs:report": Limited(
        "tests/needs/test_views.py::test_citizen_flood_is_rate_limited_per_ip_and_per_address"
    ),
    "needs:support": Limited(f"{HERE}::test_a_citizen_support_is_rate_limited_per_address_and_connection"),
    "newsletter:confirm": SignedLink("confirmer son abonnement"),
    "newsletter:subscribe": Limited(
        "tests/newsletter/test_subscription.py::test_rate_limited_per_ip_and_per_address"
    ),
    "newsletter:unsubscribe": SignedLink("se désabonner"),
    "notifications:off": SignedLink("arrêter des notifications"),
    "notifications_legacy:off": SignedLink("arrêter des notifications (ancienne adresse)"),
    "training:booking_cancel": SignedLink("annuler une réservation de formation"),
}

POST_FORM = re.compile(r"<form\b[^>]*\bmethod=\"post\"[^>]*>", re.I)


def anonymous_post_forms(example_ctx) -> dict[str, str]:
    """URL name → example URL, for every registered page an anonymous visitor opens that has a POST form."""
    found = {}
    for name, spec in sorted(registry.pages.items()):
        if spec.kind != "page" or spec.expected.get("anonymous") != 200:
            continue
        url = spec.example_url(example_ctx)
        response = client_for(None).get(url)
        if response.status_code == 200 and POST_FORM.search(response.content.decode()):
            found[name] = url
    return found


def test_every_anonymous_form_is_declared(example_ctx):
    found = anonymous_post_forms(example_ctx)
    undeclared = sorted(set(found) - set(ANONYMOUS_WRITES))
    assert not undeclared, (
        "Anonymous POST forms without a declared rate limit or signed link (add them to ANONYMOUS_WRITES "
        f"with the test that proves the limit): {undeclared}"
    )
    stale = sorted(set(ANONYMOUS_WRITES) - set(found))
    assert not stale, f"Declared but no anonymous form found there any more: {stale}"


@pytest.mark.parametrize(
    "name", sorted(n for n, w in ANONYMOUS_WRITES.items() if isinstance(w, Limited)), ids=str
)
def test_each_declared_limit_has_its_test(name):
    proof = ANONYMOUS_WRITES[name].proof  # type: ignore[union-attr]
    path, test_name = proof.split("::")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    assert callable(getattr(module, test_name, None)), f"{name}: {proof} does not exist"


def test_allauth_counts_the_anonymous_account_forms():
    for name, write in ANONYMOUS_WRITES.items():
        if isinstance(write, AllauthLimited):
            assert settings.ACCOUNT_RATE_LIMITS.get(write.key), (
                f"{name}: no ACCOUNT_RATE_LIMITS[{write.key!r}]"
            )


def test_a_forged_token_opens_no_signed_link(example_ctx):
    pages = {
        name: spec
        for name, spec in registry.pages.items()
        if isinstance(ANONYMOUS_WRITES.get(name), SignedLink)
    }
    assert pages, "no signed link is registered"
    for name, spec in sorted(pages.items()):
        url = spec.example_url(example_ctx)
        head, token = url.rstrip("/").rsplit("/", 1)
        forged = f"{head}/{token[:-4]}{'A' if token[-4] != 'A' else 'B'}xyz/"
        client = client_for(None)
        for method in (client.get, client.post):
            status = method(forged).status_code
            assert status in {400, 404, 410}, f"{name}: {method.__name__.upper()} {forged} answered {status}"


def test_the_contact_form_is_rate_limited_per_connection(
    client, structure, manager, django_capture_on_commit_callbacks
):
    url = f"/structures/{structure.slug}/contact/"
    data = {"name": "Camille", "email": "camille@example.test", "message": "Bonjour, êtes-vous ouverts ?"}
    for _ in range(CONTACT_LIMIT_PER_IP):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url, data).status_code == 302
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url, data)
    assert sent == CONTACT_LIMIT_PER_IP
    assert refused.status_code == 429
    assert "Trop de messages envoyés en peu de temps" in refused.content.decode()
    assert len(mail.outbox) == sent  # the refused message reached nobody


def test_a_citizen_support_is_rate_limited_per_address_and_connection(client, territory, member):
    target = need(territory, actor=member)
    url = f"/besoins/{target.pk}/soutenir/"
    for _ in range(RATE_PER_ADDRESS):
        client.post(url, {"email": "voisin@example.test", "testimony": "Moi aussi."})
    before = Support.objects.count()
    refused = client.post(url, {"email": "voisin@example.test", "testimony": "Moi aussi."})
    assert refused.status_code == 429 and TOO_MANY_ADDRESS in refused.content.decode()
    for i in range(RATE_PER_IP - RATE_PER_ADDRESS - 1):
        client.post(url, {"email": f"autre{i}@example.test", "testimony": ""})
    before = Support.objects.count()
    flooded = client.post(url, {"email": "encore@example.test", "testimony": ""})
    assert flooded.status_code == 429
    assert Support.objects.count() == before  # nothing written for a refused request
