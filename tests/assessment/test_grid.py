"""The grid: the default French grid, versions, and the rule « a grid with answers is never edited »."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.actors.taxonomy import PRACTICE_THEMES
from maillage.assessment import services
from maillage.assessment.models import Answer, Grid, GridTransition, Question
from maillage.core.actors import SYSTEM
from tests.assessment.factories import open_year, question, submit_for

pytestmark = pytest.mark.django_db

EDIT = {
    "kind": "number",
    "label": "Part des femmes dans le conseil d'administration",
    "guidance": "",
    "weight": 2,
    "required": True,
    "levels": [],
    "unit": "%",
    "min_value": 0.0,
    "max_value": 100.0,
    "score_zero": 0.0,
    "score_full": 50.0,
}


def test_the_default_grid_has_the_eight_csess_themes_and_every_question_type(territory):
    grid = services.install_default_grid(actor=SYSTEM, territory=territory)
    assert grid.status == "published" and grid.version == 1
    assert [t.key for t in grid.themes.all()] == list(PRACTICE_THEMES)
    assert [t.label for t in grid.themes.all()] == list(PRACTICE_THEMES.values())
    kinds = set(Question.objects.filter(theme__grid=grid).values_list("kind", flat=True))
    assert kinds == {"scale", "yesno", "number", "text"}
    ratio = Question.objects.get(theme__grid=grid, code="ecart-salaires")
    assert (ratio.unit, ratio.min_value, ratio.max_value) == ("fois", 1, 100)
    assert grid.themes.get(key="developpement_durable").questions.filter(code="energie").exists()
    # Installing again returns the grid already there.
    assert services.install_default_grid(actor=SYSTEM, territory=territory) == grid
    assert GridTransition.objects.filter(grid=grid).count() == 2  # created, published


def test_a_grid_without_answers_is_edited_in_place(territory):
    campaign = open_year(territory)
    q = question(campaign, "femmes-gouvernance")
    saved, created = services.save_question(
        actor=SYSTEM, grid=campaign.grid, theme_key="gouvernance", data=EDIT, question=q
    )
    assert not created and saved.pk == q.pk and saved.weight == 2
    assert Grid.objects.filter(territory=territory).count() == 1


def test_editing_a_grid_with_answers_creates_a_new_version_and_leaves_past_answers(territory, structure):
    campaign = open_year(territory)
    sheet = submit_for(campaign, structure)
    old = question(campaign, "femmes-gouvernance")
    before = Answer.objects.get(sheet=sheet, question=old).value
    scores = dict(sheet.scores)

    saved, created = services.save_question(
        actor=SYSTEM, grid=campaign.grid, theme_key="gouvernance", data=EDIT, question=old
    )

    assert created
    new_grid = saved.theme.grid
    assert new_grid.version == 2 and new_grid.status == "draft" and new_grid.based_on == campaign.grid
    assert saved.pk != old.pk and saved.label == EDIT["label"] and saved.code == old.code
    old.refresh_from_db()
    assert old.label != EDIT["label"] and old.weight == 1
    assert Answer.objects.get(sheet=sheet, question=old).value == before
    sheet.refresh_from_db()
    assert sheet.scores == scores
    # A second edit goes to the same draft, not to a third version.
    _, created_again = services.save_question(
        actor=SYSTEM, grid=campaign.grid, theme_key="gouvernance", data=EDIT | {"weight": 3}, question=old
    )
    assert not created_again and Grid.objects.filter(territory=territory).count() == 2
    # Deleting a question of the answered grid: also in the draft.
    target, _ = services.delete_question(actor=SYSTEM, question=question(campaign, "reseaux"))
    assert (
        target == new_grid
        and not new_grid.themes.get(key="ancrage").questions.filter(code="reseaux").exists()
    )
    assert Question.objects.filter(theme__grid=campaign.grid, code="reseaux").exists()


def test_publishing_a_new_version_retires_the_old_one_and_next_year_is_prefilled_by_code(
    territory, structure
):
    campaign = open_year(territory, 2025)
    sheet = submit_for(campaign, structure, seed=3)
    old_value = Answer.objects.get(sheet=sheet, question=question(campaign, "ag-participation")).value
    saved, _ = services.save_question(
        actor=SYSTEM,
        grid=campaign.grid,
        theme_key="gouvernance",
        data={**EDIT, "kind": "scale", "levels": ["Jamais", "Parfois", "Souvent", "Toujours"], "unit": ""},
        question=question(campaign, "ag-participation"),
    )
    new_grid = saved.theme.grid
    services.publish_grid(actor=SYSTEM, grid=new_grid)
    campaign.grid.refresh_from_db()
    assert campaign.grid.status == "retired" and Grid.objects.published(territory) == new_grid

    next_year = services.open_campaign(actor=SYSTEM, territory=territory, year=2026, notify_managers=False)
    assert next_year.grid == new_grid
    fresh = services.start_sheet(actor=SYSTEM, campaign=next_year, structure=structure)
    assert fresh.prefilled_from == sheet
    assert Answer.objects.get(sheet=fresh, question=saved).value == old_value


def test_invalid_question_and_unauthorised_editor_are_refused_with_nothing_written(
    territory, manager, animator_other
):
    campaign = open_year(territory)
    q = question(campaign, "femmes-gouvernance")
    with pytest.raises(ValidationError) as exc:
        services.save_question(
            actor=SYSTEM,
            grid=campaign.grid,
            theme_key="gouvernance",
            data=EDIT | {"min_value": 50.0, "max_value": 10.0},
            question=q,
        )
    assert "plus grande que la valeur minimale" in str(exc.value)
    with pytest.raises(ValidationError, match="au moins deux niveaux"):
        services.save_question(
            actor=SYSTEM,
            grid=campaign.grid,
            theme_key="gouvernance",
            data=EDIT | {"kind": "scale", "levels": ["Seul niveau"], "code": "x"},
        )
    for person in (manager, animator_other):
        with pytest.raises(PermissionDenied):
            services.save_question(
                actor=person, grid=campaign.grid, theme_key="gouvernance", data=EDIT, question=q
            )
    q.refresh_from_db()
    assert q.weight == 1 and Grid.objects.count() == 1


def test_a_draft_with_an_empty_theme_is_not_published(territory, structure):
    campaign = open_year(territory)
    submit_for(campaign, structure)
    target, _ = services.delete_question(actor=SYSTEM, question=question(campaign, "egalite-salariale"))
    services.delete_question(actor=SYSTEM, question=question(campaign, "recrutement-inclusif"))
    with pytest.raises(ValidationError, match="Chaque thème doit avoir au moins une question"):
        services.publish_grid(actor=SYSTEM, grid=target)
    target.refresh_from_db()
    assert target.status == "draft"
