"""Nominations (self, or by others with the nominee's consent), the jury (conflicts enforced in the
querysets, ranking by the calls' ranking), the winners, the ceremony in the agenda, the badge, personal
data, and the demo."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.awards import demo, selectors, services
from maillage.awards.models import Edition, Nomination, Score, Vote
from maillage.awards.services import privacy
from maillage.awards.services.votes import address_hash, vote_token
from maillage.core.registry import registry
from maillage.events.models import Event
from tests.awards.factories import SYS, edition_with_nominees
from tests.factories import MembershipFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_manager_nominates_another_structure_which_consents(
    territory, structure, manager, manager_other, client, django_capture_on_commit_callbacks
):
    edition = edition_with_nominees(territory, [], to="nominations")
    category = edition.categories.first()
    client.force_login(manager_other)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            "/trophees/2026/proposer/",
            {"category": category.pk, "structure": structure.pk, "initiative": "Réemploi", "pitch": "Bravo"},
            follow=True,
        )
    assert "doivent l'accepter" in unescape(page.content.decode())
    nomination = Nomination.objects.get()
    assert nomination.status == "pending" and not nomination.self_nominated
    [message] = [m for m in mail.outbox if manager.email in m.to]
    path = re.search(r"/trophees/proposition/[^\s/\"]+/", message.body).group(0)
    client.force_login(manager_other)  # not a manager of the nominee
    assert client.get(path).status_code == 403
    client.force_login(manager)
    assert "Accepter la candidature" in unescape(client.get(path).content.decode())
    nomination.refresh_from_db()
    assert nomination.status == "pending"  # the GET changed nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(path, {"answer": "accept"})
    assert "concourt au Trophée 2026" in unescape(done.content.decode())
    nomination.refresh_from_db()
    assert nomination.status == "accepted"
    again = client.post(path, {"answer": "decline"})
    assert again.status_code == 409 and "déjà répondu" in unescape(again.content.decode())
    nomination.refresh_from_db()
    assert nomination.status == "accepted"


def test_a_manager_nominates_their_own_structure_at_once(territory, structure, manager):
    edition = edition_with_nominees(territory, [], to="nominations")
    nomination = services.nominate(
        actor=manager, category=edition.categories.first(), structure=structure, initiative="Réemploi"
    )
    assert nomination.status == "accepted" and nomination.self_nominated
    with pytest.raises(ValidationError, match="concourt déjà"):
        services.nominate(
            actor=manager, category=edition.categories.first(), structure=structure, initiative="X"
        )
    assert Nomination.objects.count() == 1


def test_no_nomination_outside_the_nominations_phase_nor_without_a_manager(territory, structure, member):
    edition = edition_with_nominees(territory, [structure])
    with pytest.raises(ValidationError, match="ne sont pas ouvertes"):
        services.nominate(
            actor=member, category=edition.categories.last(), structure=structure, initiative="Réemploi"
        )
    draft = services.create_edition(
        actor=SYS, territory=territory, year=2027, title="T", categories=[("Catégorie", "")]
    )
    services.transition_edition(actor=SYS, edition=draft, to="nominations")
    orphan = StructureFactory(territory=territory, name="Sans gestionnaire")
    with pytest.raises(ValidationError, match="n'a pas de gestionnaire"):
        services.nominate(actor=member, category=draft.categories.first(), structure=orphan, initiative="X")
    assert not Nomination.objects.filter(category__edition=draft).exists()


def test_the_state_machine_refuses_skipping_steps(territory, animator):
    edition = services.create_edition(actor=animator, territory=territory, year=2026, title="Trophée 2026")
    with pytest.raises(ValidationError, match="au moins une catégorie"):
        services.transition_edition(actor=animator, edition=edition, to="nominations")
    services.add_category(actor=animator, edition=edition, name="Écologie")
    services.transition_edition(actor=animator, edition=edition, to="nominations")
    with pytest.raises(ValidationError, match="au moins une candidature"):
        services.transition_edition(actor=animator, edition=edition, to="voting")
    with pytest.raises(ValidationError, match="pas possible"):
        services.transition_edition(actor=animator, edition=edition, to="closed")
    edition.refresh_from_db()
    assert edition.status == "nominations" and edition.transitions.count() == 2


def test_only_the_animation_runs_the_edition(territory, member):
    with pytest.raises(PermissionDenied):
        services.create_edition(actor=member, territory=territory, year=2026, title="Trophée")
    assert not Edition.objects.exists()


@pytest.fixture
def jury(territory, structure, member, manager_other):
    other = StructureFactory(territory=territory, name="Épicerie solidaire")
    edition = edition_with_nominees(territory, [structure, other])
    tied = services.add_juror(actor=SYS, edition=edition, email=member.email)  # member of `structure`
    free = services.add_juror(actor=SYS, edition=edition, email=manager_other.email)
    mine, theirs = Nomination.objects.filter(category__edition=edition).order_by("pk")
    return edition, mine, theirs, tied, free


def _marks(edition, value):
    return {c.pk: value for c in edition.criteria.all()}


def test_a_tied_juror_neither_sees_nor_scores(jury, territory, member):
    edition, mine, theirs, tied, _free = jury
    visible = Nomination.objects.for_juror(member, territory)
    assert list(visible) == [theirs]
    with pytest.raises(PermissionDenied, match="conflit d'intérêts"):
        services.score_nomination(actor=member, juror=tied, nomination=mine, scores=_marks(edition, 8))
    assert not Score.objects.exists()


def test_a_declared_conflict_hides_the_nominee_and_its_scores(jury, territory, manager_other, animator):
    edition, mine, theirs, _tied, free = jury
    services.score_nomination(actor=manager_other, juror=free, nomination=theirs, scores=_marks(edition, 6))
    assert Score.objects.for_user(manager_other, territory).count() == 4
    services.declare_conflicts(actor=manager_other, juror=free, structure_ids=[theirs.structure_id])
    assert list(Nomination.objects.for_juror(manager_other, territory)) == [mine]
    assert not Score.objects.filter(juror=free, nomination=theirs).exists()
    with pytest.raises(PermissionDenied):
        services.score_nomination(
            actor=manager_other, juror=free, nomination=theirs, scores=_marks(edition, 6)
        )
    with pytest.raises(ValidationError, match="de 0 à 10"):
        services.score_nomination(
            actor=manager_other, juror=free, nomination=mine, scores=_marks(edition, 11)
        )
    assert not Score.objects.exists()


def test_ranking_winners_badge_and_archive(jury, territory, member, manager_other, animator, client):
    edition, mine, theirs, _tied, free = jury
    services.score_nomination(actor=manager_other, juror=free, nomination=mine, scores=_marks(edition, 9))
    services.score_nomination(actor=manager_other, juror=free, nomination=theirs, scores=_marks(edition, 5))
    for i in range(3):
        services.confirm_vote(actor=SYS, token=vote_token(theirs, f"v{i}@exemple.fr"))
    services.confirm_vote(actor=SYS, token=vote_token(mine, "w@exemple.fr"))
    assert client.get("/trophees/2026/palmares/").status_code == 404  # not before publication
    with pytest.raises(ValidationError, match="Clôturez le vote"):
        services.publish_results(actor=animator, edition=edition, jury_choices={})
    services.transition_edition(actor=animator, edition=edition, to="closed")
    rows = selectors.category_ranking(edition.categories.first(), selectors.vote_counts(edition))
    assert [(r.nomination, r.rank, r.votes) for r in rows] == [(mine, 1, 1), (theirs, 2, 3)]
    client.force_login(animator)
    page = client.post(
        "/trophees/gestion/2026/resultats/", {f"jury_{edition.categories.first().pk}": mine.pk}
    )
    assert page.status_code == 302
    mine.refresh_from_db(), theirs.refresh_from_db()
    assert (mine.prize, theirs.prize) == ("jury", "public")
    client.logout()
    winners = re.sub(r"<[^>]+>", "", unescape(client.get("/trophees/2026/palmares/").content.decode()))
    assert (
        "Prix du jury : Projet de La Ressourcerie" in winners
        and "Prix du public : Projet de Épicerie" in winners
    )
    assert "Palmarès 2026" in unescape(client.get("/trophees/").content.decode())
    badge = registry.structure_badges["awards_laureate"]
    assert set(badge.structure_ids(territory)) == {mine.structure_id, theirs.structure_id}
    # read-only jury page once published
    client.force_login(manager_other)
    answer = unescape(client.post(f"/trophees/jury/candidatures/{mine.pk}/", {}).content.decode())
    assert "ne peuvent plus être modifiées" in answer


def test_the_ceremony_is_an_agenda_event(territory, animator):
    edition = services.create_edition(actor=animator, territory=territory, year=2026, title="Trophée 2026")
    start = timezone.now() + dt.timedelta(days=30)
    services.schedule_ceremony(actor=animator, edition=edition, start=start, venue="Palais des congrès")
    event = Event.objects.get()
    assert event.title == "Cérémonie du Trophée 2026" and edition.ceremony == event
    with pytest.raises(ValidationError, match="déjà au programme"):
        services.schedule_ceremony(actor=animator, edition=edition, start=start, venue="Ailleurs")
    assert Event.objects.count() == 1


def test_personal_data_export_and_erasure_keep_only_the_hash(jury, territory):
    _edition, mine, _theirs, _tied, _free = jury
    citizen = UserFactory(email="Citoyenne@Exemple.fr")
    MembershipFactory(user=citizen, structure=StructureFactory(territory=territory))
    services.confirm_vote(actor=SYS, token=vote_token(mine, "citoyenne@exemple.fr"))
    exported = privacy.export_person(citizen)
    assert exported["votes"][0]["empreinte de l'adresse"] == address_hash("citoyenne@exemple.fr")
    privacy.erase_person(citizen)
    assert Vote.objects.count() == 1  # the vote still counts…
    assert not Vote.objects.filter(address_hash=address_hash("citoyenne@exemple.fr")).exists()  # …unlinked
    assert privacy.export_person(citizen)["votes"] == []


def test_the_demo_tells_the_story(territory, animator):
    territory.slug = "pays-de-grasse"
    territory.save(update_fields=["slug"])
    for i in range(12):
        MembershipFactory(
            structure=StructureFactory(territory=territory, name=f"Structure {i:02d}"), role="manager"
        )
    today = dt.date(2026, 6, 1)
    demo.load(today=today, context={"demo_accounts": {"animator": animator}})
    past, current = Edition.objects.get(year=2025), Edition.objects.get(year=2026)
    assert past.status == "published" and past.categories.count() == 3
    assert Vote.objects.filter(category__edition=past).count() == 64
    assert Nomination.objects.filter(category__edition=past).exclude(prize="").count() >= 3
    assert current.status == "nominations" and current.ceremony is not None
    demo.load(today=today, context={"demo_accounts": {"animator": animator}})  # idempotent
    assert Edition.objects.count() == 2
