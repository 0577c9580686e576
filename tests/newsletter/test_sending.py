"""Composing and sending an issue: registry blocks, segments, batches, states, resume, double click."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillage.newsletter import services
from maillage.newsletter.models import Delivery, Issue, Subscriber
from maillage.newsletter.services import sending
from maillage.workspace.models import Atelier, AtelierMember, NewsItem
from tests.factories import CommuneFactory, MembershipFactory, UserFactory
from tests.newsletter.factories import IssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(territory, animator):
    return services.create_issue(
        actor=animator,
        territory=territory,
        title="La rentrée de l'ESS",
        editorial="Bonjour à **toutes et tous** <script>alert(1)</script>",
        providers=["newsletter.editorial", "workspace.news"],
    )


def test_compose_uses_the_registry_and_sanitises(territory, animator):
    NewsItem.objects.create(
        territory=territory,
        title="Une SCIC ouvre à Grasse",
        url="https://exemple.test/scic",
        published_at=timezone.now(),
        picked_at=timezone.now(),
    )
    issue = services.create_issue(
        actor=animator,
        territory=territory,
        title="N° de test",
        editorial="Texte <script>alert(1)</script> [lien](javascript:alert(1))",
        providers=["newsletter.editorial", "workspace.news"],
    )
    titles = [b["title"] for b in issue.blocks]
    assert titles == ["Éditorial", "À lire dans la veille"]
    html = "".join(b["html"] for b in issue.blocks)
    assert "<script" not in html and 'href="javascript' not in html
    assert "Une SCIC ouvre à Grasse" in html
    assert issue.number == 1


def test_an_unknown_provider_or_empty_title_is_refused(territory, animator):
    with pytest.raises(ValidationError):
        services.create_issue(actor=animator, territory=territory, title="x", providers=["nope"])
    with pytest.raises(ValidationError):
        services.create_issue(actor=animator, territory=territory, title="  ")
    assert not Issue.objects.exists()


def test_segments(territory, animator, structure):
    grasse = territory.communes.get()
    other_commune = CommuneFactory(insee_code="06018", name="Cabris")
    territory.communes.add(other_commune)
    member = UserFactory(email="Membre.Abonne@example.org")
    MembershipFactory(user=member, structure=structure, role="member")
    atelier = Atelier.objects.create(territory=territory, name="Finances solidaires", slug="finances")
    AtelierMember.objects.create(atelier=atelier, user=member)
    s_member = SubscriberFactory(territory=territory, email="membre.abonne@example.org", commune=grasse)
    s_plain = SubscriberFactory(territory=territory, email="citoyen@example.org", commune=other_commune)
    SubscriberFactory(territory=territory, email="parti@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    seg = services.segment_subscribers
    assert set(seg(territory, "all")) == {s_member, s_plain}
    assert list(seg(territory, "members")) == [s_member]
    assert list(seg(territory, "atelier", str(atelier.pk))) == [s_member]
    assert list(seg(territory, "commune", "06018")) == [s_plain]
    assert list(seg(territory, "atelier", "9999")) == []


def test_a_segment_outside_the_territory_is_refused(territory, animator, other_territory):
    foreign = Atelier.objects.create(territory=other_territory, name="Ailleurs", slug="ailleurs")
    with pytest.raises(ValidationError) as error:
        services.create_issue(
            actor=animator, territory=territory, title="x", segment="atelier", segment_value=str(foreign.pk)
        )
    assert "atelier" in str(error.value)


def test_send_to_all_with_headers_and_states(territory, animator, draft, django_capture_on_commit_callbacks):
    subscribers = [SubscriberFactory(territory=territory) for _ in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        count = services.start_sending(actor=animator, issue=draft)
    assert count == 5
    draft.refresh_from_db()
    assert draft.status == Issue.Status.SENT and draft.sent_at
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in subscribers)
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://ess.paysdegrasse.test/lettre/desabonnement/")
    assert unsubscribe[1:-1] in message.body
    assert "La rentrée de l'ESS" in message.subject
    html = message.alternatives[0][0]
    assert "<strong>toutes et tous</strong>" in html and "<script" not in html
    assert set(Delivery.objects.values_list("state", flat=True)) == {"sent"}
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(set(ids)) == 5
    assert set(Delivery.objects.values_list("message_id", flat=True)) == set(ids)
    assert [(t.from_state, t.to_state) for t in draft.transitions.all()] == [
        ("draft", "sending"),
        ("sending", "sent"),
    ]


def test_a_double_click_never_double_sends(
    territory, animator, draft, client, django_capture_on_commit_callbacks
):
    SubscriberFactory(territory=territory)
    client.force_login(animator)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/lettre/gestion/{draft.pk}/envoyer/", follow=True)
        second = client.post(f"/lettre/gestion/{draft.pk}/envoyer/", follow=True)
    assert first.status_code == second.status_code == 200
    assert len(mail.outbox) == 1
    assert "pas été envoyé une seconde fois" in second.content.decode()
    assert Delivery.objects.count() == 1


def test_nothing_to_send_is_refused(territory, animator, draft):
    with pytest.raises(ValidationError):
        services.start_sending(actor=animator, issue=draft)
    draft.refresh_from_db()
    assert draft.status == Issue.Status.DRAFT


def test_batches_and_a_crash_leaves_sending_rows_reported_not_resent(territory, animator, draft):
    for _ in range(7):
        SubscriberFactory(territory=territory)
    services.start_sending(actor=animator, issue=draft)  # the on-commit enqueue never runs in this test
    result = sending.deliver_batch(issue_id=draft.pk, batch_size=3)
    assert result == {"sent": 3, "failed": 0, "more": True}
    # A worker killed after claiming a row and before recording its fate: the row stays « sending ».
    stuck = Delivery.objects.filter(state="pending").order_by("pk").first()
    Delivery.objects.filter(pk=stuck.pk).update(state="sending")
    while sending.deliver_batch(issue_id=draft.pk, batch_size=3)["more"]:
        pass
    report = services.sending_report(draft)
    assert (report.sent, report.sending, report.pending) == (6, 1, 0)
    assert len(mail.outbox) == 6
    assert stuck.subscriber.email not in [m.to[0] for m in mail.outbox]
    draft.refresh_from_db()
    assert draft.status == Issue.Status.SENT


def test_a_concurrent_run_cannot_claim_a_row_twice(territory, animator, draft):
    SubscriberFactory(territory=territory)
    services.start_sending(actor=animator, issue=draft)
    row = Delivery.objects.get()
    Delivery.objects.filter(pk=row.pk).update(state="sending")  # claimed by another run
    assert sending.deliver_batch(issue_id=draft.pk)["sent"] == 0
    assert not mail.outbox


def test_smtp_trouble_puts_the_row_back_and_retries(territory, animator, draft, monkeypatch):
    SubscriberFactory(territory=territory)
    services.start_sending(actor=animator, issue=draft)

    class Broken:
        def open(self):
            raise smtplib.SMTPServerDisconnected("connexion perdue")

        def close(self):
            pass

    with pytest.raises(sending.SendingError):
        sending.deliver_batch(issue_id=draft.pk, connection=Broken())
    assert Delivery.objects.get().state == "pending"
    sending.deliver_batch(issue_id=draft.pk)
    assert Delivery.objects.get().state == "sent"


def test_a_refused_recipient_is_failed(territory, animator, draft):
    SubscriberFactory(territory=territory, email="refus@example.org")

    class Refusing:
        def open(self):
            pass

        def close(self):
            pass

        def send_messages(self, messages):
            raise smtplib.SMTPRecipientsRefused({"refus@example.org": (550, b"no such user")})

    services.start_sending(actor=animator, issue=draft)
    sending.deliver_batch(issue_id=draft.pk, connection=Refusing())
    row = Delivery.objects.get()
    assert row.state == "failed" and "refusée" in row.error


def test_unsubscribed_between_start_and_send_is_skipped(territory, animator, draft):
    subscriber = SubscriberFactory(territory=territory)
    services.start_sending(actor=animator, issue=draft)
    Subscriber.objects.filter(pk=subscriber.pk).update(status="unsubscribed")
    sending.deliver_batch(issue_id=draft.pk)
    assert not mail.outbox
    assert Delivery.objects.get().state == "failed"


def test_stalled_sends_are_resumed(territory, animator, draft):
    SubscriberFactory(territory=territory)
    services.start_sending(actor=animator, issue=draft)
    Issue.objects.filter(pk=draft.pk).update(last_progress_at=timezone.now() - dt.timedelta(hours=1))
    resumed = []
    assert sending.resume_stalled_sends(enqueue=resumed.append) == 1
    assert resumed == [draft.pk]
    assert sending.resume_stalled_sends(enqueue=resumed.append) == 0  # progress stamped


def test_a_sent_issue_cannot_be_edited(territory, animator):
    issue = IssueFactory(territory=territory, status=Issue.Status.SENT, sent_at=timezone.now())
    with pytest.raises(ValidationError):
        services.update_issue(
            actor=animator, issue=issue, title="Autre", editorial="", providers=[], segment="all"
        )


def test_test_send_goes_to_one_address(
    territory, animator, draft, client, django_capture_on_commit_callbacks
):
    SubscriberFactory(territory=territory)
    client.force_login(animator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/lettre/gestion/{draft.pk}/essai/", {"to": "relecture@example.org"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["relecture@example.org"]]
    assert mail.outbox[0].subject.startswith("[Essai]")
    draft.refresh_from_db()
    assert draft.status == Issue.Status.DRAFT and not Delivery.objects.exists()


def test_the_prebuilt_message_is_the_same_as_a_fully_built_one(territory, animator, draft):
    import email

    from maillage.newsletter import rendering

    subscriber = SubscriberFactory(territory=territory, email="lectrice@example.org")
    prepared = rendering.prepare(draft)
    url = f"https://ess.paysdegrasse.test/lettre/desabonnement/{rendering.unsubscribe_token(subscriber)}/"
    fast = prepared.message_for(to=subscriber.email, unsubscribe_url=url, message_id="<a.b@ess.test>")
    slow = prepared._build(to=subscriber.email, unsubscribe_url=url, message_id="<a.b@ess.test>")
    assert type(fast) is not type(slow)  # the fast path was taken
    parsed_fast = email.message_from_bytes(fast.message().as_bytes(linesep="\r\n"))
    parsed_slow = email.message_from_bytes(slow.message().as_bytes(linesep="\r\n"))
    for header in ("To", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post", "Subject", "From"):
        # Header folding may differ (optional whitespace), not the value.
        assert " ".join(parsed_fast[header].split()) == " ".join(parsed_slow[header].split())
    assert parsed_fast["To"] == "lectrice@example.org" and url in parsed_fast["List-Unsubscribe"]
    fast_parts = [p.get_payload(decode=True) for p in parsed_fast.walk() if not p.is_multipart()]
    slow_parts = [p.get_payload(decode=True) for p in parsed_slow.walk() if not p.is_multipart()]
    assert fast_parts == slow_parts and all(url.encode() in part for part in fast_parts)
