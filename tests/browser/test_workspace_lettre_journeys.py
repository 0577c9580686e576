"""Journeys of the lettre and the ateliers in a real browser, with a real SMTP inbox on loopback.

- The lettre's double opt-in: an anonymous visitor subscribes, opens the confirmation link from the mail,
  presses the button; later unsubscribes from the link in an issue of the lettre.
- RFC 8058: the issue carries `List-Unsubscribe` and `List-Unsubscribe-Post`; a mail client's one-click POST
  (no cookie, no CSRF token) unsubscribes.
- An ateliers journey: a person of a member structure joins an atelier and posts in its discussion.
"""

from __future__ import annotations

import re
import urllib.request
from urllib.parse import urlsplit

import pytest

from maillage.newsletter import services as lettre
from maillage.newsletter.models import Subscriber
from maillage.workspace.models import AtelierMember
from maillage.workspace.services import create_thread
from tests.newsletter.factories import SubscriberFactory
from tests.workspace.factories import AtelierFactory

pytestmark = pytest.mark.browser

EMAIL = "dominique.lectrice@example.org"
SLOW = 60_000  # ms: a loaded machine (the default 15 s has been seen to run out on a first page load)


def _page(new_context, **options):
    page = new_context(**options).new_page()
    page.set_default_timeout(SLOW)
    page.set_default_navigation_timeout(SLOW)
    return page


def _send_issue(territory, animator, title: str) -> None:
    """The animator sends an issue (her part is not this journey's: through the services)."""
    issue = lettre.create_issue(
        actor=animator,
        territory=territory,
        title=title,
        editorial="Les **Rendez-vous de l'ESS** reprennent en septembre.",
        providers=["newsletter.editorial"],
    )
    lettre.start_sending(actor=animator, issue=issue)


def test_subscribe_confirm_then_unsubscribe_from_the_lettre(new_context, smtp_inbox, territory, animator):
    page = _page(new_context)

    # Subscribe on the lettre's page.
    page.goto("/lettre/")
    page.get_by_label("Votre adresse électronique").fill(EMAIL)
    page.get_by_label("Votre commune (facultatif)").select_option(label="Grasse")
    page.get_by_label("J'accepte de recevoir la lettre", exact=False).check()
    page.get_by_role("button", name="Recevoir la lettre").click()
    page.get_by_role("heading", name="Vérifiez votre messagerie").wait_for()
    assert not Subscriber.objects.exists()

    # The confirmation mail; its link opens a page (nothing happens on GET), the button confirms.
    mail = smtp_inbox.wait_for(to=EMAIL, subject="Confirmez votre abonnement", seconds=60)
    confirm_path = smtp_inbox.link_path(mail, r"^/lettre/confirmer/[^/]+/$")
    assert "dominique" not in confirm_path.lower(), "the link carries no address"
    page.goto(confirm_path)
    assert EMAIL in page.locator("main").inner_text()
    assert not Subscriber.objects.exists()
    page.get_by_role("button", name="Confirmer mon abonnement").click()
    page.get_by_text("Votre abonnement est confirmé : vous recevrez le prochain numéro.").wait_for()
    subscriber = Subscriber.objects.get(email=EMAIL)
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.commune.name == "Grasse"

    # An issue arrives; its « Se désabonner » link opens a page, the button unsubscribes.
    _send_issue(territory, animator, "Numéro de rentrée")
    issue_mail = smtp_inbox.wait_for(to=EMAIL, subject="Numéro de rentrée", seconds=60)
    unsubscribe_path = smtp_inbox.link_path(issue_mail, r"^/lettre/desabonnement/[^/]+/$")
    page.goto(unsubscribe_path)
    page.get_by_text("Voulez-vous ne plus recevoir la lettre d'information ?").wait_for()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED, "opening the link (GET) must not unsubscribe"
    page.get_by_role("button", name="Me désabonner").click()
    page.get_by_text("C'est fait : vous ne recevrez plus la lettre d'information.").wait_for()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_one_click_unsubscribe_from_the_mail_headers(live_url, smtp_inbox, territory, animator):
    subscriber = SubscriberFactory(territory=territory, email="claude.abonne@example.org")
    _send_issue(territory, animator, "Numéro d'automne")
    mail = smtp_inbox.wait_for(to="claude.abonne@example.org", subject="Numéro d'automne", seconds=60)

    # RFC 8058: both headers, the first an HTTPS URL of the territory, the second exactly this value.
    assert mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    match = re.fullmatch(r"<(https://[^>]+)>", mail.header("List-Unsubscribe").strip())
    assert match, mail.header("List-Unsubscribe")
    url = urlsplit(match.group(1))
    assert url.netloc == "ess.paysdegrasse.test" and url.path.startswith("/lettre/desabonnement/")

    # What a mail client does: a POST of this body to that URL, with no cookie and no CSRF token.
    request = urllib.request.Request(  # noqa: S310 - the live server on loopback
        live_url + url.path,
        data=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        assert response.status == 200
        assert "vous ne recevrez plus la lettre" in response.read().decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None


def test_join_an_atelier_and_post_in_its_discussion(new_context, territory, member, animator):
    atelier = AtelierFactory(territory=territory, name="Finances solidaires", policy="open")
    create_thread(
        actor=animator,
        territory=territory,
        atelier=atelier,
        title="Une monnaie locale ?",
        body="Qui en parle ?",
    )
    page = _page(new_context, user=member)

    page.goto("/ateliers/")
    page.get_by_role("link", name="Finances solidaires").click()
    page.get_by_role("heading", name="Atelier « Finances solidaires »").wait_for()
    page.get_by_role("button", name="Rejoindre l'atelier").click()
    page.get_by_text("Bienvenue dans l'atelier !").wait_for()
    assert AtelierMember.objects.get(atelier=atelier, user=member).status == AtelierMember.Status.ACTIVE

    page.get_by_role("link", name="Une monnaie locale ?").click()
    page.get_by_label("Votre réponse").fill("Nous sommes partants : une **réunion** en juin ?")
    page.get_by_role("button", name="Envoyer la réponse").click()
    message = page.locator("ol.ws-posts > li").last
    # French typography puts no-break spaces before « : » and « ? »: any space matches.
    message.get_by_text(re.compile(r"Nous sommes partants\s:\sune réunion en juin\s\?")).wait_for()
    assert message.locator("strong", has_text="réunion").count() == 1  # its Markdown rendered
    assert member.display_name in message.inner_text()
