"""A structure's answer sheet: drafts, submission (complete only), scores frozen, reopen, sharing; every
refusal in French with nothing written."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.assessment import services
from maillage.assessment.models import Answer, AnswerSheet, SheetTransition
from maillage.assessment.services.sheets import field_name
from maillage.core.actors import SYSTEM
from maillage.notifications.models import Notification
from tests.assessment.factories import complete, open_year, question, submit_for

pytestmark = pytest.mark.django_db


def test_a_manager_drafts_then_submits_and_the_scores_are_frozen(territory, structure, manager):
    campaign = open_year(territory)
    sheet = services.start_sheet(actor=manager, campaign=campaign, structure=structure)
    raw = complete(campaign, level=0.9)
    first_half = dict(list(raw.items())[:5])
    services.save_answers(actor=manager, sheet=sheet, raw=first_half)
    assert sheet.answers.count() == len([v for v in first_half.values() if v])
    sheet = services.submit_sheet(actor=manager, sheet=sheet, raw=raw)

    sheet.refresh_from_db()
    assert sheet.status == "submitted" and sheet.submitted_by == manager
    assert set(sheet.scores) == {t.key for t in campaign.grid.themes.all()}
    assert all(0 <= v <= 100 for v in sheet.scores.values()) and sheet.overall is not None
    assert sheet.family == "association" and sheet.size_class == "sans"
    log = SheetTransition.objects.filter(sheet=sheet).order_by("pk")
    assert [(x.from_state, x.to_state, x.actor) for x in log] == [
        ("", "draft", manager),
        ("draft", "submitted", manager),
    ]
    note = Notification.objects.get(user=manager, kind="assessment_results_ready")
    assert note.url == f"/utilite-sociale/2026/{structure.slug}/resultats/"


def test_scores_follow_the_answers(territory, structure):
    campaign = open_year(territory)
    sheet = services.start_sheet(actor=SYSTEM, campaign=campaign, structure=structure)
    raw = complete(campaign)
    raw[field_name(question(campaign, "femmes-gouvernance"))] = "50"
    raw[field_name(question(campaign, "ag-participation"))] = "3"  # « Oui, pleinement »
    raw[field_name(question(campaign, "renouvellement-instances"))] = "oui"
    sheet = services.submit_sheet(actor=SYSTEM, sheet=sheet, raw=raw)
    assert sheet.scores["gouvernance"] == 100.0
    services.reopen_sheet(actor=SYSTEM, sheet=sheet)
    raw[field_name(question(campaign, "femmes-gouvernance"))] = "0"
    raw[field_name(question(campaign, "renouvellement-instances"))] = "non"
    sheet = services.submit_sheet(actor=SYSTEM, sheet=AnswerSheet.objects.get(pk=sheet.pk), raw=raw)
    assert sheet.scores["gouvernance"] == pytest.approx(100 / 3, abs=0.1)


def test_a_number_out_of_range_is_refused_in_french_and_nothing_changes(territory, structure, manager):
    campaign = open_year(territory)
    sheet = services.start_sheet(actor=manager, campaign=campaign, structure=structure)
    women = question(campaign, "femmes-gouvernance")
    services.save_answers(actor=manager, sheet=sheet, raw={field_name(women): "40"})
    with pytest.raises(ValidationError) as exc:
        services.save_answers(
            actor=manager,
            sheet=sheet,
            raw={field_name(women): "140", field_name(question(campaign, "reseaux")): "oui"},
        )
    message = exc.value.message_dict[field_name(women)][0]
    assert "hors des limites" in message and "entre 0 et 100 %" in message
    assert Answer.objects.get(sheet=sheet, question=women).value == 40.0
    assert not Answer.objects.filter(sheet=sheet, question=question(campaign, "reseaux")).exists()
    with pytest.raises(ValidationError, match="saisissez un nombre"):
        services.save_answers(actor=manager, sheet=sheet, raw={field_name(women): "beaucoup"})
    # A French decimal is understood.
    services.save_answers(actor=manager, sheet=sheet, raw={field_name(women): "37,5"})
    assert Answer.objects.get(sheet=sheet, question=women).value == 37.5


def test_an_incomplete_submission_is_refused_and_writes_nothing(territory, structure, manager):
    campaign = open_year(territory)
    sheet = services.start_sheet(actor=manager, campaign=campaign, structure=structure)
    raw = complete(campaign)
    missing = question(campaign, "comptes-publies")
    raw[field_name(missing)] = ""
    with pytest.raises(ValidationError) as exc:
        services.submit_sheet(actor=manager, sheet=sheet, raw=raw)
    errors = exc.value.message_dict
    assert "Réponses incomplètes : 1 question obligatoire sans réponse" in errors["__all__"][0]
    assert "Rien n'a été transmis ni enregistré" in errors["__all__"][0]
    assert errors[field_name(missing)] == ["Réponse obligatoire."]
    sheet.refresh_from_db()
    assert sheet.status == "draft" and sheet.answers.count() == 0 and sheet.scores == {}
    # Optional questions may stay empty.
    raw[field_name(missing)] = "oui"
    raw[field_name(question(campaign, "ecart-salaires"))] = ""
    assert services.submit_sheet(actor=manager, sheet=sheet, raw=raw).status == "submitted"


def test_who_may_fill_a_sheet(territory, structure, member, manager_other, animator, animator_other):
    campaign = open_year(territory)
    for person in (member, manager_other, animator, animator_other):
        with pytest.raises(PermissionDenied):
            services.start_sheet(actor=person, campaign=campaign, structure=structure)
    assert not AnswerSheet.objects.exists()
    sheet = services.start_sheet(actor=SYSTEM, campaign=campaign, structure=structure)
    for person in (member, manager_other, animator):
        with pytest.raises(PermissionDenied):
            services.save_answers(actor=person, sheet=sheet, raw=complete(campaign))
        with pytest.raises(PermissionDenied):
            services.submit_sheet(actor=person, sheet=sheet, raw=complete(campaign))
    assert sheet.answers.count() == 0


def test_a_submitted_sheet_or_a_closed_campaign_refuses_changes(territory, structure, manager):
    campaign = open_year(territory)
    sheet = submit_for(campaign, structure)
    with pytest.raises(ValidationError, match="rouvrez-les pour les modifier"):
        services.save_answers(actor=manager, sheet=sheet, raw=complete(campaign, level=0.1))
    services.close_campaign(actor=SYSTEM, campaign=campaign)
    with pytest.raises(ValidationError, match="est close"):
        services.reopen_sheet(actor=manager, sheet=AnswerSheet.objects.get(pk=sheet.pk))
    assert AnswerSheet.objects.get(pk=sheet.pk).status == "submitted"


def test_sharing_needs_a_submitted_sheet(territory, structure, manager, member):
    campaign = open_year(territory)
    sheet = services.start_sheet(actor=manager, campaign=campaign, structure=structure)
    with pytest.raises(ValidationError, match="Transmettez d'abord vos réponses"):
        services.set_sharing(actor=manager, sheet=sheet, shared=True)
    services.submit_sheet(actor=manager, sheet=sheet, raw=complete(campaign))
    with pytest.raises(PermissionDenied):
        services.set_sharing(actor=member, sheet=sheet, shared=True)
    assert not AnswerSheet.objects.get(pk=sheet.pk).shared
    assert services.set_sharing(actor=manager, sheet=sheet, shared=True).shared


def test_campaigns_refuse_a_second_year_and_a_territory_without_grid(territory, animator, manager):
    with pytest.raises(ValidationError, match="Publiez d'abord une grille"):
        services.open_campaign(actor=animator, territory=territory, year=2026)
    open_year(territory, 2026)
    with pytest.raises(ValidationError) as exc:
        services.open_campaign(actor=animator, territory=territory, year=2026)
    assert exc.value.message_dict["year"] == ["Une campagne existe déjà pour 2026."]
    with pytest.raises(PermissionDenied):
        services.open_campaign(actor=manager, territory=territory, year=2027)


def test_opening_a_campaign_tells_the_managers(territory, structure, manager, member, animator):
    services.install_default_grid(actor=animator, territory=territory)
    services.open_campaign(actor=animator, territory=territory, year=2026)
    assert Notification.objects.filter(user=manager, kind="assessment_campaign_open").count() == 1
    assert not Notification.objects.filter(user=member, kind="assessment_campaign_open").exists()
