"""The census: campaigns with editable themes, conditional questions (no self- or cyclic condition), one
answer per structure editable until the deadline, closed campaigns refused, reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.notifications.models import Notification
from maillage.training import services
from maillage.training.models import (
    DEFAULT_THEMES,
    Census,
    CensusTransition,
    Question,
    Response,
    ThemeInterest,
)
from tests.factories import MembershipFactory, StructureFactory, UserFactory
from tests.training.factories import TESTS, interest, open_census

pytestmark = pytest.mark.django_db


def test_the_animator_creates_a_census_with_the_usual_themes_logged(territory, animator):
    census = services.create_census(
        actor=animator,
        territory=territory,
        title="Besoins 2027",
        opens_on=timezone.localdate(),
        deadline=timezone.now() + dt.timedelta(days=10),
    )
    assert list(census.themes.values_list("name", flat=True)) == list(DEFAULT_THEMES)
    assert census.status == "draft"
    services.move_census(actor=animator, census=census, to="open")
    assert list(CensusTransition.objects.values_list("to_state", "actor")) == [
        ("draft", animator.pk),
        ("open", animator.pk),
    ]


def test_a_manager_cannot_create_a_census(territory, manager):
    with pytest.raises(PermissionDenied, match="Seule l'animation"):
        services.create_census(
            actor=manager,
            territory=territory,
            title="X",
            opens_on=timezone.localdate(),
            deadline=timezone.now() + dt.timedelta(days=3),
        )
    assert not Census.objects.exists()


def test_themes_are_editable_and_duplicates_refused(territory, animator):
    census = open_census(territory)
    theme = census.themes.get(name="Numérique")
    services.save_theme(actor=animator, census=census, theme=theme, name="Outils numériques", threshold=3)
    theme.refresh_from_db()
    assert (theme.name, theme.threshold) == ("Outils numériques", 3)
    services.save_theme(actor=animator, census=census, name="Bénévolat")
    with pytest.raises(ValidationError, match="existe déjà"):
        services.save_theme(actor=animator, census=census, name="gouvernance")
    assert census.themes.count() == len(DEFAULT_THEMES) + 1


def test_a_question_conditional_on_itself_is_refused_and_nothing_changes(territory, animator):
    census = open_census(territory)
    question = services.save_question(actor=animator, census=census, label="Salariés ?", kind="yes_no")
    with pytest.raises(ValidationError) as info:
        services.save_question(
            actor=animator,
            census=census,
            question=question,
            label="Changée",
            kind="yes_no",
            depends_on=question,
            depends_value="oui",
        )
    assert "Une question ne peut pas dépendre d'elle-même." in info.value.messages
    question.refresh_from_db()
    assert (question.label, question.depends_on_id) == ("Salariés ?", None)


def test_a_cycle_of_conditions_is_refused(territory, animator):
    census = open_census(territory)
    a = services.save_question(actor=animator, census=census, label="A", kind="yes_no")
    b = services.save_question(
        actor=animator, census=census, label="B", kind="yes_no", depends_on=a, depends_value="oui"
    )
    c = services.save_question(
        actor=animator, census=census, label="C", kind="yes_no", depends_on=b, depends_value="oui"
    )
    with pytest.raises(ValidationError, match="boucle"):
        services.save_question(
            actor=animator,
            census=census,
            question=a,
            label="A",
            kind="yes_no",
            depends_on=c,
            depends_value="non",
        )
    a.refresh_from_db()
    assert a.depends_on_id is None


def test_a_condition_value_must_be_a_possible_answer(territory, animator):
    census = open_census(territory)
    a = services.save_question(
        actor=animator, census=census, label="Taille", kind="choice", choices=["petite", "grande"]
    )
    with pytest.raises(ValidationError, match="ne fait pas partie des choix"):
        services.save_question(
            actor=animator, census=census, label="B", depends_on=a, depends_value="moyenne"
        )
    assert Question.objects.count() == 1


def test_a_structure_answers_once_and_edits_until_the_deadline(territory, structure, manager):
    census = open_census(territory)
    finance, europe = (
        census.themes.get(name="Financements hybrides"),
        census.themes.get(name="Fonds européens"),
    )
    first = services.submit_response(
        actor=manager, census=census, structure=structure, answers={}, interests={finance.pk: interest(1, 3)}
    )
    second = services.submit_response(
        actor=manager, census=census, structure=structure, answers={}, interests={europe.pk: interest(2, 1)}
    )
    assert first.pk == second.pk and Response.objects.count() == 1
    assert list(ThemeInterest.objects.values_list("theme__name", "staff")) == [("Fonds européens", 1)]


def test_answering_a_closed_census_is_refused_and_nothing_changes(territory, structure, manager):
    census = open_census(territory)
    theme = census.themes.first()
    services.submit_response(
        actor=manager, census=census, structure=structure, answers={}, interests={theme.pk: interest(1, 2)}
    )
    services.move_census(actor=TESTS, census=census, to="closed")
    with pytest.raises(ValidationError) as info:
        services.submit_response(
            actor=manager,
            census=census,
            structure=structure,
            answers={},
            interests={theme.pk: interest(3, 9)},
        )
    assert "Ce recensement est clos" in info.value.messages[0]
    assert ThemeInterest.objects.get().staff == 2


def test_answering_after_the_deadline_is_refused(territory, structure, manager):
    census = open_census(territory, days=2)
    theme = census.themes.first()
    with pytest.raises(ValidationError, match="clos"):
        services.submit_response(
            actor=manager,
            census=census,
            structure=structure,
            answers={},
            interests={theme.pk: interest()},
            now=timezone.now() + dt.timedelta(days=3),
        )
    assert not Response.objects.exists()


def test_only_managers_answer_for_their_structure(territory, structure, member, manager_other):
    census = open_census(territory)
    theme = census.themes.first()
    for person in (member, manager_other):
        with pytest.raises(PermissionDenied, match="gestionnaires"):
            services.submit_response(
                actor=person, census=census, structure=structure, answers={}, interests={theme.pk: interest()}
            )
    assert not Response.objects.exists()


def test_conditional_answers_count_only_when_shown_and_required_ones_are_asked(
    territory, structure, manager, animator
):
    census = open_census(territory)
    staff = services.save_question(
        actor=animator, census=census, label="Salariés ?", kind="yes_no", required=True
    )
    size = services.save_question(
        actor=animator,
        census=census,
        label="Combien ?",
        kind="text",
        depends_on=staff,
        depends_value="oui",
        required=True,
    )
    theme = census.themes.first()
    with pytest.raises(ValidationError) as info:
        services.submit_response(
            actor=manager,
            census=census,
            structure=structure,
            answers={str(staff.pk): "oui"},
            interests={theme.pk: interest()},
        )
    assert info.value.message_dict == {f"q{size.pk}": ["Répondez à la question « Combien ? »."]}
    response = services.submit_response(
        actor=manager,
        census=census,
        structure=structure,
        answers={str(staff.pk): "non", str(size.pk): "12"},
        interests={theme.pk: interest()},
    )
    assert response.answers == {str(staff.pk): "non"}  # the hidden question's answer is not kept


def test_no_theme_chosen_is_refused(territory, structure, manager):
    census = open_census(territory)
    with pytest.raises(ValidationError, match="au moins un thème"):
        services.submit_response(actor=manager, census=census, structure=structure, answers={}, interests={})
    assert not Response.objects.exists()


def test_reminders_go_to_managers_of_structures_without_an_answer(
    territory, structure, manager, manager_other
):
    census = open_census(territory, days=5)
    services.submit_response(
        actor=manager,
        census=census,
        structure=structure,
        answers={},
        interests={census.themes.first().pk: interest()},
    )
    silent = StructureFactory(territory=territory, name="Sans réponse")
    late = UserFactory(email="late@example.org")
    MembershipFactory(user=late, structure=silent, role="manager")
    assert services.remind_due_censuses(actor=TESTS) == 2  # manager_other's structure and the silent one
    assert set(
        Notification.objects.filter(kind=services.KIND_CENSUS).values_list("user__email", flat=True)
    ) == {"late@example.org", manager_other.email}
    assert services.remind_due_censuses(actor=TESTS) == 0  # once per census
    assert Census.objects.get().reminded_at is not None


def test_past_deadlines_close_the_census(territory):
    census = open_census(territory, days=1)
    assert services.close_due_censuses(actor=TESTS, now=timezone.now() + dt.timedelta(days=2)) == 1
    census.refresh_from_db()
    assert census.status == "closed"
