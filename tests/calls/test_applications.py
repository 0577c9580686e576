"""Applications: drafts, the balanced budget, the deadline, eligibility rules, the receipt, the animation's
check and the missing piece — each refusal in French with nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.calls import services
from maillage.calls.models import Application, AppStatus
from maillage.calls.pdf import receipt_pdf
from maillage.core.machines import history
from maillage.notifications.models import Notification
from tests.calls.factories import SYS, balanced_budget, draft, open_call
from tests.charter.factories import SignatureFactory, adopted_version
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db


def test_a_manager_submits_and_gets_a_receipt(territory, structure, manager):
    call = open_call(territory)
    app = draft(call, structure, actor=manager)
    app = services.submit_application(actor=manager, application=app)
    assert app.status == AppStatus.SUBMITTED
    assert app.receipt_number == f"AAP2026-{app.pk:04d}"
    assert [(h.from_state, h.to_state, h.actor_id) for h in history(app)] == [
        ("", "draft", manager.pk),
        ("draft", "submitted", manager.pk),
    ]
    assert Notification.objects.filter(user=manager, kind="calls_application_submitted").exists()
    pdf = receipt_pdf(app)
    assert pdf.startswith(b"%PDF")


def test_a_member_who_is_not_manager_cannot_apply(territory, structure, member):
    call = open_call(territory)
    with pytest.raises(PermissionDenied, match="gestionnaires"):
        services.start_application(actor=member, call=call, structure=structure, title="Projet")
    assert not Application.objects.exists()


def test_submitting_after_the_deadline_is_refused(territory, structure, manager):
    call = open_call(territory)
    app = draft(call, structure, actor=manager)
    late = call.deadline + dt.timedelta(minutes=1)
    with pytest.raises(ValidationError, match="date limite de dépôt est passée"):
        services.submit_application(actor=manager, application=app, now=late)
    app.refresh_from_db()
    assert app.status == AppStatus.DRAFT and not app.receipt_number and app.submitted_at is None


def test_an_unbalanced_budget_is_refused(territory, structure, manager):
    call = open_call(territory)
    budget = balanced_budget(5000)
    budget[0]["amount"] = 12000  # expenses 12 000, resources 5 000 + 5 000
    app = draft(call, structure, actor=manager, budget=budget)
    with pytest.raises(ValidationError) as exc:
        services.submit_application(actor=manager, application=app)
    assert (
        "Le budget n'est pas équilibré : 12 000 € de dépenses pour 10 000 € de recettes"
        in exc.value.messages[0]
    )
    app.refresh_from_db()
    assert app.status == AppStatus.DRAFT


def test_the_ceiling_the_checklist_and_the_family_are_checked(territory, structure, manager):
    call = open_call(territory, checklist=["Le projet est sur le territoire"], families=["cooperative"])
    app = draft(call, structure, actor=manager, amount=9000)
    services.save_application(
        actor=manager,
        application=app,
        title=app.title,
        summary="",
        requested_amount=9000,
        answers={},
        checklist=[],
        budget=balanced_budget(9000),
    )
    with pytest.raises(ValidationError) as exc:
        services.submit_application(actor=manager, application=app)
    text = " ".join(exc.value.messages)
    assert "dépasse le plafond par projet (8 000 €)" in text
    assert "Cochez chaque critère d'éligibilité" in text
    assert "réservé à d'autres familles" in text


def test_a_bad_amount_in_the_budget_is_refused_and_nothing_saved(territory, structure, manager):
    call = open_call(territory)
    app = draft(call, structure, actor=manager)
    with pytest.raises(ValidationError, match="Ligne 1 : le montant doit être un nombre"):
        services.save_application(
            actor=manager,
            application=app,
            title="Autre titre",
            summary="",
            requested_amount=100,
            answers={},
            checklist=[],
            budget=[{"kind": "expense", "label": "Salaires", "amount": "beaucoup"}],
        )
    app.refresh_from_db()
    assert app.title == "Ressourcerie mobile" and app.budget_lines.count() == 2


def test_one_application_per_structure_and_call(territory, structure, manager):
    call = open_call(territory)
    draft(call, structure, actor=manager)
    with pytest.raises(ValidationError, match="a déjà une candidature"):
        services.start_application(actor=manager, call=call, structure=structure, title="Bis")


def test_the_animation_asks_for_a_missing_piece_then_decides(territory, structure, manager, animator):
    call = open_call(territory)
    app = services.submit_application(actor=manager, application=draft(call, structure, actor=manager))
    due = timezone.localdate() + dt.timedelta(days=10)
    app = services.request_piece(
        actor=animator, application=app, piece="Le dernier bilan comptable", due_on=due
    )
    assert app.status == AppStatus.INCOMPLETE and app.piece_due_on == due
    note = Notification.objects.get(user=manager, kind="calls_piece_requested")
    assert "Pièce manquante" in note.title
    app = services.submit_application(actor=manager, application=app)
    assert app.status == AppStatus.SUBMITTED
    with pytest.raises(ValidationError, match="La raison est obligatoire"):
        services.decide_eligibility(actor=animator, application=app, eligible=False, reason=" ")
    app = services.decide_eligibility(
        actor=animator, application=app, eligible=False, reason="Hors territoire."
    )
    assert app.status == AppStatus.INELIGIBLE and app.eligibility_reason == "Hors territoire."


def test_a_piece_after_its_deadline_is_refused(territory, structure, manager, animator):
    call = open_call(territory)
    app = services.submit_application(actor=manager, application=draft(call, structure, actor=manager))
    today = timezone.localdate()
    app = services.request_piece(
        actor=animator, application=app, piece="Bilan", due_on=today + dt.timedelta(days=1)
    )
    later = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(ValidationError, match="ce délai est passé"):
        services.submit_application(actor=manager, application=app, now=later)
    assert Application.objects.get(pk=app.pk).status == AppStatus.INCOMPLETE


def test_only_the_animation_checks_eligibility(territory, structure, manager, manager_other):
    call = open_call(territory)
    app = services.submit_application(actor=manager, application=draft(call, structure, actor=manager))
    with pytest.raises(PermissionDenied):
        services.decide_eligibility(actor=manager_other, application=app, eligible=True, reason="ok")
    assert Application.objects.get(pk=app.pk).status == AppStatus.SUBMITTED


def test_a_call_cannot_open_without_an_adopted_specification(territory):
    call = services.create_call(actor=SYS, territory=territory, year=2027, title="Appel 2027")
    assert call.criteria.count() == 8  # the CSESS themes
    with pytest.raises(ValidationError, match="Adoptez le cahier des charges"):
        services.transition_call(actor=SYS, call=call, to="open")


def test_a_structure_of_another_family_is_refused_and_commune_rule(territory, manager):
    other = StructureFactory(territory=territory, family="cooperative")
    call = open_call(territory, communes=["06069"])
    app = draft(call, other)
    with pytest.raises(ValidationError, match="n'est pas dans une commune couverte"):
        services.submit_application(actor=SYS, application=app)


def test_a_call_for_charter_signatories_refuses_the_others(territory, structure, manager):
    call = open_call(territory, charter_required=True)
    app = draft(call, structure, actor=manager)
    with pytest.raises(ValidationError, match="réservé aux structures signataires de la charte"):
        services.submit_application(actor=manager, application=app)
    SignatureFactory(version=adopted_version(territory), structure=structure)
    assert services.submit_application(actor=manager, application=app).status == AppStatus.SUBMITTED
