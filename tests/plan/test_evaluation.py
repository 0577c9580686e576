"""Yearly evaluation: drafted from the plan, partners comment during the window, conclusions, adoption
freezes a snapshot, HTML and PDF (url_fetcher limited to our static files)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from maillage.core.actors import SYSTEM
from maillage.plan import personal_data, report, services
from maillage.plan.models import Evaluation, EvaluationComment
from maillage.plan.selectors import report_context as _report_context
from tests.events.factories import EventFactory, paris
from tests.plan.factories import make_tree, make_version

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 1, 10, 9, tzinfo=dt.UTC)


@pytest.fixture
def evaluation(territory):
    with time_machine.travel(NOW, tick=False):
        version = make_version(territory, year=2025)
        objective, operational, a1, a2 = make_tree(version)
        services.change_status(actor=SYSTEM, node=a1, to_status="done")
        services.add_indicator(actor=SYSTEM, node=objective, title="Rendez-vous tenus", target=10)
        return services.open_evaluation(
            actor=SYSTEM, version=version, consultation_ends_on=dt.date(2026, 1, 31)
        )


def test_open_twice_or_in_the_past_is_refused(territory):
    version = make_version(territory, year=2025)
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(ValidationError):
            services.open_evaluation(actor=SYSTEM, version=version, consultation_ends_on=dt.date(2025, 12, 1))
        services.open_evaluation(actor=SYSTEM, version=version, consultation_ends_on=dt.date(2026, 2, 1))
        with pytest.raises(ValidationError):
            services.open_evaluation(actor=SYSTEM, version=version, consultation_ends_on=dt.date(2026, 2, 1))
    assert Evaluation.objects.count() == 1


def test_partners_comment_during_the_window_only(evaluation, member, structure, animator_other):
    with time_machine.travel(NOW, tick=False):
        services.add_evaluation_comment(
            actor=member, evaluation=evaluation, text="Très bien", structure=structure
        )
        with pytest.raises(PermissionDenied):
            services.add_evaluation_comment(actor=animator_other, evaluation=evaluation, text="Je passe")
        with pytest.raises(ValidationError):
            services.add_evaluation_comment(actor=member, evaluation=evaluation, text="   ")
    with time_machine.travel(dt.datetime(2026, 2, 2, 9, tzinfo=dt.UTC), tick=False):
        with pytest.raises(ValidationError) as error:
            services.add_evaluation_comment(actor=member, evaluation=evaluation, text="Trop tard")
        assert "close" in str(error.value)
    assert EvaluationComment.objects.count() == 1


def test_adopted_report_is_frozen(evaluation, animator, client):
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(ValidationError):
            services.adopt_evaluation(actor=animator, evaluation=evaluation)  # no conclusions yet
        services.conclude_evaluation(
            actor=animator,
            evaluation=evaluation,
            conclusions="Bonne année.",
            next_year_changes="- Plus de RDV",
        )
        services.adopt_evaluation(actor=animator, evaluation=evaluation)
        html = client.get("/contrat/2025/evaluation/").content.decode()
        assert "Rapport adopté" in html and "50 %" in html
        # Later edits of the plan do not change the adopted report.
        action = evaluation.version.nodes.get(number="1.1.2")
        services.change_status(actor=SYSTEM, node=action, to_status="done")
        services.update_node(
            actor=SYSTEM, node=evaluation.version.nodes.get(number="1"), data={"title": "Renommé"}
        )
        html = client.get("/contrat/2025/evaluation/").content.decode()
        assert "50 %" in html and "Renommé" not in html
        with pytest.raises(ValidationError):
            services.conclude_evaluation(
                actor=animator, evaluation=evaluation, conclusions="x", next_year_changes=""
            )


def test_an_adopted_report_holds_no_measurement_after_its_adoption(evaluation, animator, client):
    indicator = evaluation.version.nodes.get(number="1").indicators.get()
    with time_machine.travel(NOW, tick=False):
        services.record_measurement(actor=animator, indicator=indicator, date=dt.date(2026, 1, 5), value=4)
        services.conclude_evaluation(
            actor=animator, evaluation=evaluation, conclusions="Bonne année.", next_year_changes=""
        )
    with time_machine.travel(dt.datetime(2026, 10, 20, 9, tzinfo=dt.UTC), tick=False):
        services.record_measurement(actor=animator, indicator=indicator, date=dt.date(2026, 10, 15), value=9)
        # Adopted back in April (as the demo does): the October measurement is not part of it.
        at = dt.datetime(2026, 4, 15, 18, tzinfo=dt.UTC)
        services.adopt_evaluation(actor=animator, evaluation=evaluation, at=at)
        evaluation.refresh_from_db()
        assert evaluation.adopted_at == at
        (frozen,) = [
            i for i in report.indicators_of(evaluation.snapshot) if i["title"] == "Rendez-vous tenus"
        ]
        assert (frozen["latest"], frozen["latest_date"]) == (4.0, "2026-01-05")
        html = client.get("/contrat/2025/evaluation/").content.decode()
        assert "2026-01-05" in html and "2026-10-15" not in html
        # Recorded after the adoption: the adopted report does not move.
        services.record_measurement(actor=animator, indicator=indicator, date=dt.date(2026, 4, 10), value=6)
        html = client.get("/contrat/2025/evaluation/").content.decode()
        assert "2026-04-10" not in html and "2026-01-05" in html


def test_comment_page_for_members(evaluation, member, structure, animator_other):
    client = Client()
    client.force_login(member)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            "/contrat/2025/evaluation/commenter/", {"structure": structure.pk, "text": "Merci !"}
        )
        assert response.status_code == 302
        assert "Merci !" in client.get("/contrat/2025/evaluation/").content.decode()
        other = Client()
        other.force_login(animator_other)
        assert other.get("/contrat/2025/evaluation/commenter/").status_code == 403


def test_manage_page_opens_and_adopts(territory, animator):
    make_version(territory, year=2025)
    client = Client()
    client.force_login(animator)
    with time_machine.travel(NOW, tick=False):
        response = client.post("/contrat/gestion/2025/evaluation/", {"consultation_ends_on": "2025-01-01"})
        assert "error-summary" in response.content.decode()
        assert (
            client.post(
                "/contrat/gestion/2025/evaluation/", {"consultation_ends_on": "2026-02-01"}
            ).status_code
            == 302
        )
        response = client.post("/contrat/gestion/2025/evaluation/", {"conclusions": "", "adopt": "on"})
        assert "Écrivez les conclusions" in response.content.decode()
        response = client.post(
            "/contrat/gestion/2025/evaluation/",
            {
                "conclusions": "Fin",
                "plenary_label": "Plénière",
                "plenary_url": "/agenda/pleniere/",
                "adopt": "on",
            },
        )
        assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    assert evaluation.status == "adopted" and evaluation.snapshot["plenary_url"] == "/agenda/pleniere/"


def test_pdf_of_the_report(evaluation, client):
    with time_machine.travel(NOW, tick=False):
        response = client.get("/contrat/2025/evaluation.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_personal_data_export_and_erase(evaluation, member, structure):

    with time_machine.travel(NOW, tick=False):
        services.add_evaluation_comment(
            actor=member, evaluation=evaluation, text="Mon avis", structure=structure
        )
    exported = personal_data.export_comments(member)
    assert exported["commentaires_d_evaluation"][0]["texte"] == "Mon avis"
    personal_data.erase_comments(member)
    assert not EvaluationComment.objects.exists()
    assert not EvaluationComment.history.model.objects.filter(author_id=member.pk).exists()
    assert not EvaluationComment.history.model.objects.filter(text="Mon avis").exists()


def _plenary_event(territory, **data):
    return EventFactory(
        territory=territory,
        title="Plénière du CLDESS",
        kind="pleniere",
        start=paris(2025, 12, 12, 14),
        end=paris(2025, 12, 12, 17),
        **data,
    )


def test_the_plenary_is_an_agenda_event_picked_through_the_registry(evaluation, territory, other_territory):
    event = _plenary_event(territory)
    foreign = _plenary_event(other_territory, slug="ailleurs")
    with time_machine.travel(NOW, tick=False):
        assert (event.pk, "Plénière du CLDESS – vendredi 12 décembre 2025") in services.plenary_choices(
            territory
        )
        with pytest.raises(ValidationError) as error:
            services.conclude_evaluation(
                actor=SYSTEM,
                evaluation=evaluation,
                conclusions="x",
                next_year_changes="",
                plenary_event=foreign.pk,
            )
        assert "pas dans l'agenda du territoire" in str(error.value)
        services.conclude_evaluation(
            actor=SYSTEM,
            evaluation=evaluation,
            conclusions="Fin",
            next_year_changes="",
            plenary_label="ignoré",
            plenary_event=event.pk,
        )
        evaluation.refresh_from_db()
        assert evaluation.plenary_object_id == event.pk
        assert evaluation.plenary_content_type.model == "event"
        assert evaluation.plenary_label == "Plénière du CLDESS – vendredi 12 décembre 2025"
        assert evaluation.plenary_url == f"/agenda/{event.slug}/"
        services.adopt_evaluation(actor=SYSTEM, evaluation=evaluation)
        evaluation.refresh_from_db()
        assert evaluation.snapshot["plenary_url"] == f"/agenda/{event.slug}/"
        html = Client().get("/contrat/2025/evaluation/").content.decode()
        assert f'<a href="/agenda/{event.slug}/">Plénière du CLDESS – vendredi 12 décembre 2025</a>' in html
        pdf_html = pdf_source(evaluation, territory)
        assert f'href="/agenda/{event.slug}/"' in pdf_html and "vendredi 12 décembre 2025" in pdf_html


def pdf_source(evaluation, territory):
    """The HTML the PDF is printed from (relative links resolve against the territory's address)."""
    request = RequestFactory().get("/")
    request.territory = territory
    return render_to_string("plan/evaluation_pdf.html", _report_context(evaluation), request=request)


def test_without_an_event_the_typed_label_is_the_fallback(evaluation, territory):
    event = _plenary_event(territory)
    with time_machine.travel(NOW, tick=False):
        services.conclude_evaluation(
            actor=SYSTEM, evaluation=evaluation, conclusions="", next_year_changes="", plenary_event=event.pk
        )
        services.conclude_evaluation(
            actor=SYSTEM,
            evaluation=evaluation,
            conclusions="",
            next_year_changes="",
            plenary_label="Plénière en mairie",
        )
    evaluation.refresh_from_db()
    assert evaluation.plenary_object_id is None and evaluation.plenary_content_type is None
    assert (evaluation.plenary_label, evaluation.plenary_url) == ("Plénière en mairie", "")


def test_the_manage_page_offers_the_agenda_events(evaluation, territory, animator):
    event = _plenary_event(territory)
    client = Client()
    client.force_login(animator)
    with time_machine.travel(NOW, tick=False):
        page = client.get("/contrat/gestion/2025/evaluation/").content.decode()
        assert f'<option value="{event.pk}">Plénière du CLDESS – vendredi 12 décembre 2025</option>' in page
        response = client.post(
            "/contrat/gestion/2025/evaluation/",
            {"conclusions": "Fin", "plenary_event": str(event.pk), "plenary_label": "", "plenary_url": ""},
        )
        assert response.status_code == 302
        evaluation.refresh_from_db()
        assert evaluation.plenary_object_id == event.pk
        # Once the event has left the offered window, it stays offered (and kept) on this evaluation.
    with time_machine.travel(dt.datetime(2028, 6, 1, tzinfo=dt.UTC), tick=False):
        assert services.plenary_choices(territory) == []
        client.force_login(animator)
        page = client.get("/contrat/gestion/2025/evaluation/").content.decode()
        assert f'<option value="{event.pk}" selected>' in page
        assert (
            client.post(
                "/contrat/gestion/2025/evaluation/", {"conclusions": "Fin", "plenary_event": str(event.pk)}
            ).status_code
            == 302
        )
    evaluation.refresh_from_db()
    assert evaluation.plenary_object_id == event.pk and evaluation.plenary_url == f"/agenda/{event.slug}/"


@pytest.mark.parametrize(
    "url", ["//autre-site.example/piege", "/\\autre-site.example", "javascript:alert(1)", " //x"]
)
def test_an_address_that_leads_off_the_site_is_refused(evaluation, url):
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as caught:
        services.conclude_evaluation(
            actor=SYSTEM,
            evaluation=evaluation,
            conclusions="",
            next_year_changes="",
            plenary_label="Plénière",
            plenary_url=url,
        )
    assert "Une adresse commence par / (page du site) ou https://." in str(caught.value)
    evaluation.refresh_from_db()
    assert evaluation.plenary_url == ""
