"""The register's services: reporting (members and citizens), the machine with its public answers, supports
once per person, merges without double counting; the bad inputs of the issue (French message, nothing
written)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.core.actors import system
from maillage.core.machines import TransitionError, history
from maillage.needs import services
from maillage.needs.models import Need, NeedStatus, NeedTransition, Support
from maillage.notifications.models import Notification
from tests.needs.factories import category, commune, need

pytestmark = pytest.mark.django_db
CITIZEN = system("formulaire public")


def test_defaults_are_seeded_once_and_editable(territory, animator):
    cats = services.ensure_categories(actor=animator, territory=territory)
    assert [c.label for c in cats][:3] == ["Mobilité", "Logement", "Alimentation"]
    added = services.add_category(actor=animator, territory=territory, label="Accès aux droits")
    assert added.slug == "acces-aux-droits"
    with pytest.raises(ValidationError, match="existe déjà"):
        services.add_category(actor=animator, territory=territory, label="Accès aux droits")
    services.update_category(
        actor=animator, category=added, label="Accès aux droits sociaux", is_active=False
    )
    added.refresh_from_db()
    assert (added.label, added.is_active) == ("Accès aux droits sociaux", False)
    assert len(services.ensure_categories(actor=animator, territory=territory)) == len(cats) + 1


def test_a_member_cannot_edit_categories(territory, member):
    with pytest.raises(PermissionDenied):
        services.add_category(actor=member, territory=territory, label="Autre chose")


def test_a_member_reports_a_need_logged_and_indexed(
    territory, member, animator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        n = need(territory, actor=member, anonymous=True, public_concerned="Familles")
    assert n.status == NeedStatus.REPORTED and n.reporter == member
    assert n.public_reporter == "Une personne du territoire (anonyme)"
    line = history(n).get()
    assert (line.from_state, line.to_state, line.actor) == ("", "reported", member)
    assert Notification.objects.filter(user=animator, kind="needs_reported").exists()
    from maillage.core.search import search

    assert search(territory, "hopital dimanche", kinds=["need"]).ids("need") == [n.pk]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"description": "  "}, "description", "La description du besoin est obligatoire."),
        ({"communes": []}, "communes", "Indiquez au moins une commune concernée, ou un point sur la carte."),
        ({"title": ""}, "title", "Le titre du besoin est obligatoire."),
        ({"communes": [], "latitude": 43.6}, "latitude", "Indiquez la latitude et la longitude"),
        ({"communes": [], "latitude": 143.6, "longitude": 6.9}, "latitude", "Ce point n'existe pas"),
    ],
)
def test_bad_reports_are_refused_in_french_and_nothing_is_written(territory, member, change, field, message):
    fields = {
        "territory": territory,
        "title": "Pas de bus",
        "description": "Rien le dimanche.",
        "category": category(territory),
        "communes": list(territory.communes.all()),
    }
    fields.update(change)
    with pytest.raises(ValidationError) as caught:
        services.report_need(actor=member, **fields)
    assert message in caught.value.message_dict[field][0]
    assert not Need.objects.exists() and not NeedTransition.objects.exists()


def test_a_commune_of_another_territory_and_a_point_alone(territory, other_territory, member):
    foreign = commune(other_territory, "06029", "Cannes")
    with pytest.raises(ValidationError, match="communes du territoire"):
        need(territory, actor=member, communes=[foreign])
    by_point = need(territory, actor=member, communes=[], latitude=43.65, longitude=6.92)
    assert by_point.communes.count() == 0 and by_point.latitude == 43.65


def test_a_citizen_report_waits_for_the_link_then_enters(territory, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pending = services.request_need(
            actor=CITIZEN,
            territory=territory,
            email=" Habitante@Example.test ",
            title="Garde d'enfants tôt le matin",
            description="Aucune crèche avant 7 h 30.",
            category=category(territory, "garde-enfants"),
            communes=list(territory.communes.all()),
            reporter_name="Léa",
            anonymous=False,
        )
    assert pending.status == NeedStatus.UNCONFIRMED and pending.reporter_email == "habitante@example.test"
    assert not Need.objects.for_user(None, territory).exists()
    assert len(mail.outbox) == 1 and "/besoins/confirmer/" in mail.outbox[0].body
    confirmed = services.confirm_need(territory=territory, payload={"t": territory.pk, "n": pending.pk})
    assert confirmed.status == NeedStatus.REPORTED
    assert [(h.from_state, h.to_state, h.actor_label) for h in history(confirmed)] == [
        ("", "unconfirmed", "Système (formulaire public)"),
        ("unconfirmed", "reported", "Visiteur (lien du courriel)"),
    ]
    with pytest.raises(ValidationError, match="plus valable"):
        services.confirm_need(territory=territory, payload={"t": territory.pk, "n": pending.pk})


def test_a_forged_or_foreign_payload_confirms_nothing(territory, other_territory):
    pending = services.request_need(
        actor=CITIZEN,
        territory=territory,
        email="a@example.test",
        title="T",
        description="D",
        category=category(territory),
        communes=list(territory.communes.all()),
    )
    for payload in (
        {"t": other_territory.pk, "n": pending.pk},
        {"n": pending.pk},
        "x",
        {"t": territory.pk, "n": "1"},
    ):
        with pytest.raises(ValidationError, match="plus valable"):
            services.confirm_need(territory=territory, payload=payload)
    pending.refresh_from_db()
    assert pending.status == NeedStatus.UNCONFIRMED


def test_a_bad_address_is_refused(territory):
    with pytest.raises(ValidationError, match="adresse électronique valide"):
        services.request_need(
            actor=CITIZEN,
            territory=territory,
            email="pas-une-adresse",
            title="T",
            description="D",
            category=category(territory),
            communes=list(territory.communes.all()),
        )
    assert not Need.objects.exists()


def test_the_machine_with_public_answers(territory, member, animator, django_capture_on_commit_callbacks):
    n = need(territory, actor=member)
    with pytest.raises(ValidationError) as caught:
        services.move_need(actor=animator, need=n, to_status="qualified", answer="Retenu.")
    assert "synthèse" in caught.value.message_dict["synthesis"][0]
    with pytest.raises(ValidationError, match="réponse publique est obligatoire"):
        services.move_need(actor=animator, need=n, to_status="qualified", answer=" ", synthesis="Synthèse")
    with pytest.raises(TransitionError, match="Impossible de passer"):
        services.move_need(actor=animator, need=n, to_status="met", answer="Fait.")
    with pytest.raises(ValidationError, match="fusionnez-le"):
        services.move_need(actor=animator, need=n, to_status="duplicate", answer="Doublon.")
    with pytest.raises(PermissionDenied):
        services.move_need(actor=member, need=n, to_status="qualified", answer="x", synthesis="y")
    n.refresh_from_db()
    assert n.status == "reported" and n.synthesis == ""
    with django_capture_on_commit_callbacks(execute=True):
        services.move_need(
            actor=animator,
            need=n,
            to_status="qualified",
            answer="Retenu par l'atelier.",
            synthesis="Les familles…",
        )
        services.move_need(actor=animator, need=n, to_status="addressing", answer="La régie s'en occupe.")
        services.move_need(
            actor=animator, need=n, to_status="partly_met", answer="Une ligne le dimanche matin."
        )
    assert [h.note for h in history(n)][1:] == [
        "Retenu par l'atelier.",
        "La régie s'en occupe.",
        "Une ligne le dimanche matin.",
    ]
    assert Notification.objects.filter(user=member, kind="needs_answer").count() == 3


def test_a_citizen_reporter_hears_the_answer_by_mail(territory, animator, django_capture_on_commit_callbacks):
    pending = services.request_need(
        actor=CITIZEN,
        territory=territory,
        email="lea@example.test",
        title="Crèche",
        description="D",
        category=category(territory),
        communes=list(territory.communes.all()),
    )
    n = services.confirm_need(territory=territory, payload={"t": territory.pk, "n": pending.pk})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.move_need(actor=animator, need=n, to_status="out_of_scope", answer="Relève de la commune.")
    assert [m.to for m in mail.outbox] == [["lea@example.test"]]
    assert "Relève de la commune." in mail.outbox[0].body


def test_support_once_per_person(territory, member, manager_other, animator):
    n = need(territory, actor=member)
    s = services.support_need(actor=manager_other, need=n, testimony="Moi aussi.")
    assert s.testimony == "Moi aussi."
    with pytest.raises(ValidationError, match="soutenez déjà"):
        services.support_need(actor=manager_other, need=n)
    with pytest.raises(ValidationError, match="votre voix y compte"):
        services.support_need(actor=member, need=n)
    assert Support.objects.count() == 1
    services.move_need(actor=animator, need=n, to_status="out_of_scope", answer="Hors champ.")
    with pytest.raises(ValidationError, match="plus ouvert"):
        services.support_need(actor=animator, need=n)


def test_citizen_support_counts_after_confirmation_once(
    territory, member, django_capture_on_commit_callbacks
):
    n = need(territory, actor=member)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.request_support(actor=CITIZEN, need=n, email="voisin@example.test", testimony="Oui")
    s = Support.objects.get(email="voisin@example.test")
    assert not s.confirmed and Need.objects.with_support_count().get(pk=n.pk).support_count == 0
    services.confirm_support(territory=territory, payload={"t": territory.pk, "s": s.pk})
    assert Need.objects.with_support_count().get(pk=n.pk).support_count == 1
    mail.outbox.clear()
    assert services.request_support(actor=CITIZEN, need=n, email="VOISIN@example.test") is False
    assert Support.objects.count() == 1 and not mail.outbox


def test_merge_moves_supports_without_double_counting(territory, member, manager_other, manager, animator):
    target = need(territory, actor=member, title="Pas de bus le dimanche")
    dup = need(territory, actor=manager, title="Bus du dimanche")
    services.support_need(actor=manager_other, need=target)
    services.support_need(actor=manager_other, need=dup)  # the same person on both
    services.request_support(actor=CITIZEN, need=dup, email="c@example.test")
    services.confirm_support(
        territory=territory, payload={"t": territory.pk, "s": Support.objects.get(email="c@example.test").pk}
    )
    services.support_need(actor=member, need=dup)  # the target's reporter: already counted there
    moved = services.merge_needs(actor=animator, duplicate=dup, into=target, answer="Même besoin.")
    assert moved == 2  # the citizen, and the duplicate's reporter (manager)
    counts = Need.objects.with_support_count()
    assert counts.get(pk=target.pk).support_count == 3  # manager_other, citizen, manager
    dup.refresh_from_db()
    assert dup.status == "duplicate" and dup.merged_into == target
    assert history(dup).last().note == "Même besoin."
    assert "A repris le besoin" in history(target).last().note
    assert set(Support.objects.filter(need=target).values_list("merged_from", flat=True)) == {None, dup.pk}


def test_merge_refuses_itself_and_cycles(territory, member, animator):
    a = need(territory, actor=member, title="A")
    b = need(territory, actor=member, title="B")
    with pytest.raises(ValidationError, match="lui-même"):
        services.merge_needs(actor=animator, duplicate=a, into=a, answer="x")
    services.merge_needs(actor=animator, duplicate=a, into=b, answer="Même besoin.")
    before = (NeedTransition.objects.count(), Support.objects.count())
    with pytest.raises(ValidationError, match="cycle"):
        services.merge_needs(actor=animator, duplicate=b, into=a, answer="x")
    c = need(territory, actor=member, title="C")
    with pytest.raises(ValidationError, match="fusionnez dans un besoin ouvert"):
        services.merge_needs(actor=animator, duplicate=c, into=a, answer="x")
    with pytest.raises(PermissionDenied):
        services.merge_needs(actor=member, duplicate=c, into=b, answer="x")
    b.refresh_from_db()
    assert b.status == "reported" and b.merged_into is None
    # `c` was reported after `before` was taken (one creation line); the refusals wrote nothing.
    assert (NeedTransition.objects.count(), Support.objects.count()) == (before[0] + 1, before[1])


def test_structures_answer_and_wear_the_badge(territory, member, animator, structure, other_territory):
    from maillage.core.registry import registry

    n = need(territory, actor=member)
    services.link_structure(actor=animator, need=n, structure=structure)
    with pytest.raises(ValidationError, match="déjà reliée"):
        services.link_structure(actor=animator, need=n, structure=structure)
    assert list(registry.structure_badges["needs"].structure_ids(territory)) == [structure.pk]
    services.unlink_structure(actor=animator, need=n, structure=structure)
    assert not list(registry.structure_badges["needs"].structure_ids(territory))


def test_erasure_and_export(territory, member, manager_other, animator):
    from maillage.needs.integrations import erase, export_person

    n = need(territory, actor=member, anonymous=False)
    services.support_need(actor=manager_other, need=n, testimony="Moi aussi")
    services.move_need(actor=animator, need=n, to_status="qualified", answer="ok", synthesis="s")
    assert export_person(member)["besoins_signales"][0]["titre"] == n.title
    assert export_person(manager_other)["besoins_soutenus"][0]["temoignage"] == "Moi aussi"
    erase(member)
    erase(manager_other)
    erase(animator)
    n.refresh_from_db()
    assert n.reporter is None and n.reporter_name == "" and n.anonymous
    assert not Support.objects.exists()
    assert not NeedTransition.objects.filter(actor__isnull=False).exists()


def test_my_space_lists_what_i_reported_and_support(territory, member, manager_other):
    from maillage.needs.my_space import needs_section

    mine = need(territory, actor=member, title="Mon besoin")
    theirs = need(territory, actor=manager_other, title="Leur besoin")
    need(territory, actor=manager_other, title="Autre besoin")
    services.support_need(actor=member, need=theirs)
    section = needs_section(member, territory)
    assert sorted((i.label, i.detail) for i in section.items) == [
        ("Leur besoin", "soutenu — signalé"),
        ("Mon besoin", "signalé par vous — signalé"),
    ]
    assert mine.pk
