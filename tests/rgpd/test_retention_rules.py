"""One test per retention rule: the nightly job (`run_retention_task`, through each app's personal-data hook)
removes what has outlived its delay and keeps what has not; each delay is a setting, stated on the privacy
page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from maillage.awards.models import Category, Edition, EditionStatus, Nomination, Vote
from maillage.awards.services.privacy import UNLINKED_PREFIX
from maillage.awards.services.votes import address_hash
from maillage.calls.models import (
    Application,
    AppStatus,
    Attachment,
    Call,
    CallStatus,
    Grant,
    GrantStatus,
    GrantTransition,
)
from maillage.core.registry import registry
from maillage.core.tasks import run_retention_task
from maillage.events.models import Registration
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import StructureFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now()


# --- the Trophée: a vote's address hash ----------------------------------------------------------------


def _edition(territory, structure, *, year, published_days_ago):
    edition = Edition.objects.create(
        territory=territory,
        year=year,
        title=f"Trophée {year}",
        status=EditionStatus.PUBLISHED,
        published_at=NOW - dt.timedelta(days=published_days_ago),
    )
    category = Category.objects.create(edition=edition, name="Inclusion")
    nomination = Nomination.objects.create(category=category, structure=structure, initiative="Projet")
    for n, email in enumerate(["a@exemple.fr", "b@exemple.fr"]):
        Vote.objects.create(
            category=category,
            nomination=nomination,
            address_hash=address_hash(email),
            token_digest=f"{year}-{n}",
        )
    return edition


def test_vote_hashes_are_unlinked_two_months_after_the_results(territory, structure):
    old = _edition(territory, structure, year=2024, published_days_ago=62)
    recent = _edition(territory, structure, year=2025, published_days_ago=30)

    assert registry.personal_data["awards"].retention(NOW) == 2
    old_hashes = set(Vote.objects.filter(category__edition=old).values_list("address_hash", flat=True))
    assert len(old_hashes) == 2 and all(h.startswith(UNLINKED_PREFIX) for h in old_hashes)
    assert address_hash("a@exemple.fr") not in old_hashes
    # The tally stays: the votes still count for their nomination.
    assert Vote.objects.filter(category__edition=old).count() == 2
    assert set(Vote.objects.filter(category__edition=recent).values_list("address_hash", flat=True)) == {
        address_hash("a@exemple.fr"),
        address_hash("b@exemple.fr"),
    }
    # Idempotent: the next night has nothing left to do.
    assert registry.personal_data["awards"].retention(NOW) == 0


def test_vote_hash_delay_is_a_setting_and_is_stated(territory, structure, settings):
    _edition(territory, structure, year=2025, published_days_ago=30)
    settings.AWARDS_VOTE_HASH_RETENTION_DAYS = 20
    assert registry.personal_data["awards"].retention(NOW) == 2
    assert "61 jours après la publication du palmarès" in registry.personal_data["awards"].retention_text


def test_an_unpublished_edition_keeps_its_hashes(territory, structure):
    edition = _edition(territory, structure, year=2024, published_days_ago=400)
    Edition.objects.filter(pk=edition.pk).update(status=EditionStatus.CLOSED)
    assert registry.personal_data["awards"].retention(NOW) == 0


# --- calls: the attachments of applications ------------------------------------------------------------


def _application(territory, *, year, decided_days_ago, status, title="Projet"):
    call = Call.objects.create(
        territory=territory,
        year=year,
        title=f"Appel {year}",
        status=CallStatus.DECIDED,
        decided_on=(NOW - dt.timedelta(days=decided_days_ago)).date(),
    )
    app = Application.objects.create(
        call=call, structure=StructureFactory(territory=territory), title=title, status=status
    )
    attachment = Attachment(application=app, label="Statuts", filename="statuts.pdf")
    attachment.file.save("statuts.pdf", ContentFile(b"%PDF-1.4 statuts"), save=False)
    attachment.save()
    return app


def _grant(app, *, closed_days_ago=None):
    grant = Grant.objects.create(
        application=app,
        amount=5000,
        convention_on=app.call.decided_on,
        status=GrantStatus.ACTIVE if closed_days_ago is None else GrantStatus.CLOSED,
    )
    if closed_days_ago is not None:
        GrantTransition.objects.create(
            grant=grant,
            from_state=GrantStatus.ACTIVE,
            to_state=GrantStatus.CLOSED,
            at=NOW - dt.timedelta(days=closed_days_ago),
        )
    return grant


def test_an_ungranted_applications_attachments_go_six_months_after_the_deliberation(
    territory, django_capture_on_commit_callbacks
):
    rejected = _application(territory, year=2024, decided_days_ago=190, status=AppStatus.REJECTED)
    ineligible = _application(territory, year=2023, decided_days_ago=190, status=AppStatus.INELIGIBLE)
    recent = _application(territory, year=2025, decided_days_ago=100, status=AppStatus.REJECTED)
    storage = rejected.attachments.get().file.storage
    name = rejected.attachments.get().file.name
    assert storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        assert registry.personal_data["calls"].retention(NOW) == 2
    assert not Attachment.objects.filter(application__in=[rejected, ineligible]).exists()
    assert not storage.exists(name)  # the file went with its row
    assert recent.attachments.count() == 1
    # The application itself (its decision, its amounts) stays.
    assert Application.objects.filter(pk=rejected.pk).exists()


def test_a_granted_subsidys_attachments_stay_ten_years_after_the_grant_is_closed(territory):
    active = _application(territory, year=2010, decided_days_ago=5000, status=AppStatus.SELECTED)
    _grant(active)
    closed_long_ago = _application(territory, year=2011, decided_days_ago=5000, status=AppStatus.SELECTED)
    _grant(closed_long_ago, closed_days_ago=3700)
    closed_recently = _application(territory, year=2012, decided_days_ago=5000, status=AppStatus.SELECTED)
    _grant(closed_recently, closed_days_ago=3000)
    selected_no_grant = _application(territory, year=2013, decided_days_ago=300, status=AppStatus.SELECTED)

    assert registry.personal_data["calls"].retention(NOW) == 1
    assert not closed_long_ago.attachments.exists()
    for app in (active, closed_recently, selected_no_grant):
        assert app.attachments.count() == 1


def test_attachment_delays_are_settings_and_are_stated(territory, settings):
    text = registry.personal_data["calls"].retention_text
    assert "6 mois après le délibéré" in text and "10 ans après la clôture" in text
    app = _application(territory, year=2024, decided_days_ago=40, status=AppStatus.REJECTED)
    assert registry.personal_data["calls"].retention(NOW) == 0
    settings.CALLS_UNGRANTED_ATTACHMENTS_RETENTION_DAYS = 30
    assert registry.personal_data["calls"].retention(NOW) == 1
    assert not app.attachments.exists()


# --- the agenda: guests' registrations ------------------------------------------------------------------


def test_guest_registrations_are_anonymised_a_year_after_the_event_and_all_go_after_three(territory):
    def held(days_ago):
        start = NOW - dt.timedelta(days=days_ago)
        return EventFactory(territory=territory, start=start, end=start + dt.timedelta(hours=2))

    last_year = held(400)
    guest = RegistrationFactory(
        event=last_year, email="invitee@exemple.fr", name="Camille Invitée", attended=True
    )
    member = RegistrationFactory(
        event=last_year, user=UserFactory(email="membre@exemple.fr"), email="membre@exemple.fr", attended=True
    )
    recent_guest = RegistrationFactory(event=held(100), email="recente@exemple.fr")
    ancient = RegistrationFactory(event=held(3 * 365 + 10), user=UserFactory(email="ancien@exemple.fr"))

    assert registry.personal_data["events.registrations"].retention(NOW) == 2  # 1 deleted, 1 anonymised
    assert not Registration.objects.filter(pk=ancient.pk).exists()
    guest.refresh_from_db()
    assert guest.name == "Participant·e" and "exemple.fr" not in guest.email
    assert guest.attended and guest.state == Registration.State.REGISTERED  # still counted as present
    member.refresh_from_db()
    recent_guest.refresh_from_db()
    assert member.email == "membre@exemple.fr"
    assert recent_guest.email == "recente@exemple.fr"
    assert registry.personal_data["events.registrations"].retention(NOW) == 0
    text = registry.personal_data["events.registrations"].retention_text
    assert "anonymisée 1 an après le rendez-vous" in text and "supprimée 3 ans après" in text


# --- the nightly job runs them all ----------------------------------------------------------------------


def test_the_nightly_job_runs_every_rule(territory, structure):
    _edition(territory, structure, year=2024, published_days_ago=100)
    _application(territory, year=2024, decided_days_ago=400, status=AppStatus.REJECTED)
    counts = run_retention_task.call()
    assert counts["awards"] == 2 and counts["calls"] == 1
    assert {"newsletter", "needs", "events.registrations", "accounts"} <= set(counts)


# --- the log of personal-data exports -----------------------------------------------------------------


def test_the_export_log_is_kept_one_year(territory):
    from maillage.core.models import PersonalDataAccess  # noqa: PLC0415

    old = PersonalDataAccess.objects.create(territory=territory, what="Export ancien", row_count=1)
    recent = PersonalDataAccess.objects.create(territory=territory, what="Export récent", row_count=1)
    PersonalDataAccess.objects.filter(pk=old.pk).update(created_at=NOW - dt.timedelta(days=370))
    assert registry.personal_data["accounts"].retention(NOW) == 1
    assert list(PersonalDataAccess.objects.all()) == [recent]
    assert "journal des exports de données 365 jours" in registry.personal_data["accounts"].retention_text


def test_the_privacy_page_states_the_delays_the_job_applies(client, territory):
    page = client.get("/donnees-personnelles/").content.decode()
    for key in ("events.registrations", "newsletter", "awards", "calls"):
        assert registry.personal_data[key].retention_text.replace("'", "&#x27;") in page, key
    assert "Deux ans après le rendez-vous" not in page  # the old promise, which the job did not keep


# --- training: office-hours bookings ------------------------------------------------------------------


def test_bookings_lose_the_person_and_the_topic_two_years_after(territory, structure):
    from maillage.training.models import Booking  # noqa: PLC0415
    from tests.training.factories import office_hours_of  # noqa: PLC0415

    hours = office_hours_of(territory, UserFactory(email="conseil@exemple.fr"))
    person = UserFactory(email="porteuse@exemple.fr")

    def booking(days_ago):
        start = NOW - dt.timedelta(days=days_ago)
        return Booking.objects.create(
            office_hours=hours,
            start=start,
            end=start + dt.timedelta(minutes=45),
            structure=structure,
            topic="Mon projet de café associatif",
            user=person,
        )

    old, recent = booking(800), booking(100)
    assert registry.personal_data["training"].retention(NOW) == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.user is None and old.topic == "(effacé)" and old.structure == structure
    assert recent.user == person and recent.topic == "Mon projet de café associatif"
    assert registry.personal_data["training"].retention(NOW) == 0
    assert "2 ans après la date" in registry.personal_data["training"].retention_text


# --- needs: unconfirmed reports, and the addresses of closed needs ------------------------------------


def test_unconfirmed_reports_go_after_seven_days_and_closed_needs_forget_addresses(territory):
    from maillage.needs.models import Need, NeedStatus, Support  # noqa: PLC0415
    from tests.needs.factories import need as report  # noqa: PLC0415

    def reported(title, status, days_ago, email):
        item = report(territory, title=title)
        Need.objects.filter(pk=item.pk).update(
            status=status,
            reporter_email=email,
            created_at=NOW - dt.timedelta(days=days_ago),
            updated_at=NOW - dt.timedelta(days=days_ago),
        )
        Support.objects.create(need=item, email=f"soutien.{email}", confirmed=True)
        return item

    stale = reported("Pas de bus", NeedStatus.UNCONFIRMED, 8, "a@exemple.fr")
    fresh = reported("Pas de crèche", NeedStatus.UNCONFIRMED, 2, "b@exemple.fr")
    closed_long_ago = reported("Pas de laverie", NeedStatus.MET, 400, "c@exemple.fr")
    closed_recently = reported("Pas de médecin", NeedStatus.MET, 100, "d@exemple.fr")
    still_open = reported("Pas de wifi", NeedStatus.REPORTED, 400, "e@exemple.fr")

    assert registry.personal_data["needs"].retention(NOW) == 3  # 1 need deleted, 1 address, 1 support's
    assert not Need.objects.filter(pk=stale.pk).exists()
    closed_long_ago.refresh_from_db()
    assert closed_long_ago.reporter_email == ""
    [support] = closed_long_ago.supports.all()
    assert "exemple.fr" not in support.email  # still counted, under a placeholder
    for kept, email in (
        (fresh, "b@exemple.fr"),
        (closed_recently, "d@exemple.fr"),
        (still_open, "e@exemple.fr"),
    ):
        kept.refresh_from_db()
        assert kept.reporter_email == email
        assert kept.supports.get().email == f"soutien.{email}"
    assert registry.personal_data["needs"].retention(NOW) == 0
    assert "un an après la clôture" in registry.personal_data["needs"].retention_text


# --- notifications ------------------------------------------------------------------------------------


def test_notifications_are_deleted_a_year_after_they_were_made(territory, member):
    from maillage.notifications.models import Notification  # noqa: PLC0415

    old = Notification.objects.create(user=member, territory=territory, kind="x", title="Ancienne")
    recent = Notification.objects.create(user=member, territory=territory, kind="x", title="Récente")
    Notification.objects.filter(pk=old.pk).update(created_at=NOW - dt.timedelta(days=366))
    assert registry.personal_data["notifications"].retention(NOW) == 1
    assert list(Notification.objects.all()) == [recent]
    assert "365 jours après son envoi" in registry.personal_data["notifications"].retention_text


# --- matchmaking: speed-meetings and « vis ma vie » ---------------------------------------------------


def test_participations_lose_the_person_two_years_after_the_meeting(territory, structure, member):
    from maillage.events.models import Event  # noqa: PLC0415
    from maillage.matchmaking.models import ExchangeCampaign, Participant, Volunteer  # noqa: PLC0415
    from tests.matchmaking.factories import make_campaign, make_event, make_meeting  # noqa: PLC0415

    old_meeting = make_meeting(make_event(territory), member)
    recent_meeting = make_meeting(make_event(territory), member)
    past = NOW - dt.timedelta(days=800)
    Event.objects.filter(pk=old_meeting.event_id).update(start=past, end=past + dt.timedelta(hours=2))
    old_campaign = make_campaign(territory)
    ExchangeCampaign.objects.filter(pk=old_campaign.pk).update(last_date=past.date())
    volunteer = Volunteer.objects.create(
        campaign=old_campaign, user=member, name="Sacha Volontaire", structure_name="Ressourcerie", side="a"
    )
    old_count = Participant.objects.filter(meeting=old_meeting).count()
    assert old_count >= 2

    assert registry.personal_data["matchmaking"].retention(NOW) == old_count + 1
    for p in Participant.objects.filter(meeting=old_meeting):
        assert p.name == "Participant·e" and p.user is None and p.pitch == ""
    assert not Participant.objects.filter(meeting=recent_meeting, name="Participant·e").exists()
    volunteer.refresh_from_db()
    assert volunteer.name == "Volontaire" and volunteer.user is None and volunteer.structure_name
    assert registry.personal_data["matchmaking"].retention(NOW) == 0
    assert "2 ans après la rencontre" in registry.personal_data["matchmaking"].retention_text


# --- api: revoked keys -------------------------------------------------------------------------------


def test_revoked_keys_forget_their_holder_a_year_after_the_revocation(territory):
    from maillage.api.models import ApiKey  # noqa: PLC0415

    def key(n, revoked_days_ago):
        return ApiKey.objects.create(
            territory=territory,
            prefix=f"p{n}",
            key_hash=f"{n}" * 64,
            holder_name=f"Titulaire {n}",
            holder_email=f"titulaire{n}@exemple.fr",
            purpose="Carte",
            created_at=NOW - dt.timedelta(days=900),
            revoked_at=None if revoked_days_ago is None else NOW - dt.timedelta(days=revoked_days_ago),
        )

    old, recent, active = key(1, 400), key(2, 100), key(3, None)
    assert registry.personal_data["api"].retention(NOW) == 1
    old.refresh_from_db()
    assert old.holder_email == "" and old.holder_name == "(effacé)"
    for kept in (recent, active):
        kept.refresh_from_db()
        assert kept.holder_email.endswith("@exemple.fr")
    assert registry.personal_data["api"].retention(NOW) == 0
    assert "365 jours après sa révocation" in registry.personal_data["api"].retention_text


def test_the_lettre_states_both_of_its_delays(client, territory):
    text = registry.personal_data["newsletter"].retention_text
    assert "30 jours après votre désabonnement" in text
    assert "demande d'abonnement non confirmée, au bout de 3 jours" in text


# --- workspace: reports of abuse ----------------------------------------------------------------------


def test_resolved_abuse_reports_are_deleted_a_year_after_their_resolution(territory, member):
    from maillage.workspace.models import AbuseReport, Post, Thread  # noqa: PLC0415

    thread = Thread.objects.create(territory=territory, title="Un fil", author=member)
    post = Post.objects.create(thread=thread, author=member, body="Un message.")

    def report(resolved_days_ago):
        return AbuseReport.objects.create(
            post=post,
            reporter=UserFactory(),
            reason="Propos déplacés",
            resolved_at=None if resolved_days_ago is None else NOW - dt.timedelta(days=resolved_days_ago),
        )

    old, recent, open_one = report(400), report(100), report(None)
    assert registry.personal_data["workspace"].retention(NOW) == 1
    assert set(AbuseReport.objects.all()) == {recent, open_one}
    assert not AbuseReport.objects.filter(pk=old.pk).exists()
    assert (
        "signalement traité est supprimé 365 jours après"
        in registry.personal_data["workspace"].retention_text
    )
