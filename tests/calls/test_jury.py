"""The jury: invitation by e-mail (page, then POST), conflicts of interest (declared, or by membership) —
a tied juror neither sees nor scores the applicant —, scores, the ranking, the deliberation within the
envelope, grants, payments and reports."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.calls import selectors, services
from maillage.calls.models import Application, AppStatus, Grant, Juror, Payment, Score
from maillage.calls.ranking import rank
from maillage.calls.services.notices import INVITATION_PURPOSE
from maillage.core.tokens import make_token
from tests.calls.factories import SYS, close_and_check, eligible, open_call, seat
from tests.factories import MembershipFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def jury_setup(territory, structure, member, manager_other):
    call = open_call(territory)
    other = StructureFactory(territory=territory, name="Épicerie solidaire")
    mine = eligible(call, structure, title="Atelier vélo")
    theirs = eligible(call, other, title="Épicerie itinérante", amount=4000)
    call = close_and_check(call, mine, theirs)
    tied = seat(call, member, "Juré membre")  # member of `structure`
    free = seat(call, manager_other, "Juré libre")
    return call, mine, theirs, tied, free


def _all_scores(call, value):
    return {c.pk: (value, "") for c in call.criteria.all()}


def test_a_tied_juror_can_neither_score_nor_see(jury_setup, member, territory):
    call, mine, theirs, tied, _free = jury_setup
    with pytest.raises(PermissionDenied, match="conflit d'intérêts"):
        services.score_application(actor=member, juror=tied, application=mine, scores=_all_scores(call, 7))
    assert not Score.objects.exists()
    assert list(Application.objects.for_juror(member, territory)) == [theirs]
    services.score_application(actor=member, juror=tied, application=theirs, scores=_all_scores(call, 6))
    assert Score.objects.for_user(member, territory).count() == 8


def test_a_declared_conflict_hides_the_applicant_and_its_scores(jury_setup, manager_other, territory):
    call, mine, theirs, _tied, free = jury_setup
    services.score_application(
        actor=manager_other, juror=free, application=theirs, scores=_all_scores(call, 8)
    )
    assert Score.objects.for_user(manager_other, territory).count() == 8
    services.declare_conflicts(actor=manager_other, juror=free, ties={theirs.structure_id: "administratrice"})
    assert Score.objects.for_user(manager_other, territory).count() == 0
    assert theirs not in set(Application.objects.for_juror(manager_other, territory))
    with pytest.raises(PermissionDenied):
        services.score_application(
            actor=manager_other, juror=free, application=theirs, scores=_all_scores(call, 8)
        )


def test_a_score_out_of_range_is_refused(jury_setup, manager_other):
    call, mine, _theirs, _tied, free = jury_setup
    scores = _all_scores(call, 5)
    scores[next(iter(scores))] = (11, "")
    with pytest.raises(ValidationError, match="entier de 0 à 10"):
        services.score_application(actor=manager_other, juror=free, application=mine, scores=scores)
    assert not Score.objects.exists()


def test_invitation_mail_page_then_post(
    territory, animator, client, mailoutbox, django_capture_on_commit_callbacks
):
    call = open_call(territory)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_juror(actor=animator, call=call, email="jure@example.org", name="Nadia Jurée")
    [message] = mailoutbox
    assert (
        message.to == ["jure@example.org"]
        and "Invitation au jury de l'appel à projets 2026" in message.subject
    )
    url = re.search(r"https?://[^/]+(/appels-a-projets/jury/invitation/[^/\s]+/)", message.body).group(1)
    juror = Juror.objects.get(email="jure@example.org")
    assert "connectez-vous" in client.get(url).content.decode()
    user = UserFactory(email="jure@example.org")
    client.force_login(user)
    page = client.get(url)
    assert "Accepter l'invitation" in page.content.decode()
    juror.refresh_from_db()
    assert juror.status == "invited"  # a GET changes nothing
    response = client.post(url, {"answer": "accept"})
    assert response.status_code == 302
    juror.refresh_from_db()
    assert juror.status == "accepted" and juror.user == user
    again = client.post(url, {"answer": "accept"})
    assert again.status_code == 410 and "déjà été utilisé" in again.content.decode()


def test_a_forged_or_expired_invitation_link(territory, client):
    forged = client.get("/appels-a-projets/jury/invitation/abc.def/")
    assert forged.status_code == 410 and "Ce lien n'est pas valide." in unescape(forged.content.decode())
    call = open_call(territory)
    juror = services.invite_juror(actor=SYS, call=call, email="x@example.org", name="X")
    token = make_token(INVITATION_PURPOSE, {"juror": juror.pk}, single_use=True)
    with mock.patch("maillage.calls.views.jury.INVITATION_MAX_AGE", dt.timedelta(seconds=-1)):
        expired = client.post(f"/appels-a-projets/jury/invitation/{token}/", {"answer": "accept"})
    assert expired.status_code == 410 and "Ce lien a expiré." in unescape(expired.content.decode())
    juror.refresh_from_db()
    assert juror.status == "invited"


def test_ranking_weighted_and_normalised():
    weights = {1: 3, 2: 1}
    rows = [(10, 100, 1, 8), (10, 100, 2, 4), (10, 200, 1, 6), (10, 200, 2, 10)]
    ranked = rank(rows, weights)
    assert [(r.application_id, r.mark, r.rank) for r in ranked] == [(100, 7.0, 1), (200, 7.0, 1)]
    # a lenient juror (all 9–10) and a severe one (all 2–3) weigh the same once normalised
    rows = [(1, 100, 1, 10), (1, 200, 1, 9), (2, 100, 1, 2), (2, 200, 1, 3)]
    assert [r.application_id for r in rank(rows, {1: 1})] == [100, 200]  # raw: 6.0 vs 6.0 → tie by id
    normalised = rank(rows, {1: 1}, normalised=True)
    assert normalised[0].mark == normalised[1].mark


def test_deliberation_within_the_envelope_and_grants(jury_setup, manager_other, animator):
    call, mine, theirs, _tied, free = jury_setup
    services.score_application(actor=manager_other, juror=free, application=mine, scores=_all_scores(call, 9))
    services.score_application(
        actor=manager_other, juror=free, application=theirs, scores=_all_scores(call, 4)
    )
    assert [r.application.pk for r in selectors.ranking(call)] == [mine.pk, theirs.pk]
    call.envelope = 6000
    call.save(update_fields=["envelope"])
    with pytest.raises(ValidationError) as exc:
        services.deliberate(actor=animator, call=call, amounts={mine.pk: 5000, theirs.pk: 4000}, minutes="PV")
    assert "dépasse l'enveloppe de l'appel (6 000 €) de 3 000 €" in " ".join(exc.value.messages)
    assert not Grant.objects.exists()
    call.refresh_from_db()
    assert call.status == "closed"
    grants = services.deliberate(
        actor=animator, call=call, amounts={mine.pk: 5000, theirs.pk: ""}, minutes="PV du jury"
    )
    assert len(grants) == 1
    mine.refresh_from_db(), theirs.refresh_from_db()
    assert mine.status == AppStatus.SELECTED and theirs.status == AppStatus.REJECTED
    grant = grants[0]
    assert [(i.share, i.amount) for i in grant.instalments.all()] == [(70, 3500), (30, 1500)]
    assert {r.kind for r in grant.reports.all()} == {"activity", "accounts"}


def test_payments_never_exceed_the_grant_and_reports_close_it(jury_setup, manager_other, animator, manager):
    call, mine, _theirs, _tied, _free = jury_setup
    grant = services.deliberate(actor=animator, call=call, amounts={mine.pk: 5000}, minutes="PV")[0]
    services.record_payment(actor=animator, grant=grant, amount="3500", paid_on=dt.date(2026, 6, 1))
    with pytest.raises(ValidationError, match="au-delà de la subvention"):
        services.record_payment(actor=animator, grant=grant, amount="1500.01", paid_on=dt.date(2026, 7, 1))
    assert Payment.objects.count() == 1
    count = services.send_report_reminders(actor=SYS, today=grant.reports.first().due_on)
    assert count >= 1
    assert services.send_report_reminders(actor=SYS, today=grant.reports.first().due_on) == 0  # once a week
    services.record_payment(actor=animator, grant=grant, amount="1500", paid_on=dt.date(2027, 6, 1))
    for report in grant.reports.all():
        services.receive_report(actor=animator, report=report)
    grant.refresh_from_db()
    assert grant.status == "closed"
    years = selectors.fund_balance(call.territory)
    assert years[0].committed == 5000 and years[0].paid == 5000


def test_fund_balance_with_endowments(territory, animator):
    services.add_endowment(
        actor=animator, territory=territory, year=2026, source="Agglomération", amount="30000"
    )
    with pytest.raises(ValidationError, match="montant positif"):
        services.add_endowment(actor=animator, territory=territory, year=2026, source="Région", amount="-5")
    [year] = selectors.fund_balance(territory)
    assert year.endowed == 30000 and year.available == 30000


def test_membership_ties_are_found_without_declaring(jury_setup, territory, structure):
    call, mine, _theirs, _tied, free = jury_setup
    MembershipFactory(user=free.user, structure=structure, role="member")
    with pytest.raises(PermissionDenied):
        services.score_application(actor=free.user, juror=free, application=mine, scores=_all_scores(call, 5))


def test_after_the_deliberation_the_scoring_page_only_reads(jury_setup, manager_other, animator, client):
    call, mine, _theirs, _tied, free = jury_setup
    services.score_application(actor=manager_other, juror=free, application=mine, scores=_all_scores(call, 7))
    client.force_login(manager_other)
    url = f"/appels-a-projets/jury/candidatures/{mine.pk}/"
    assert 'name="score_' in client.get(url).content.decode()  # still open: the form
    services.deliberate(actor=animator, call=call, amounts={mine.pk: 5000}, minutes="PV")
    page = unescape(client.get(url).content.decode())
    assert 'name="score_' not in page and "Enregistrer mes notes" not in page
    assert "présentées en lecture seule" in page
    posted = {f"score_{c.pk}": "2" for c in call.criteria.all()}
    answer = unescape(client.post(url, posted).content.decode())
    assert "ne peuvent plus être modifiées" in answer
    assert set(Score.objects.filter(juror=free, application=mine).values_list("value", flat=True)) == {7}


def test_after_the_deliberation_the_jury_page_invites_and_assigns_no_more(
    jury_setup, manager_other, animator, client
):
    call, mine, theirs, _tied, free = jury_setup
    client.force_login(animator)
    url = "/appels-a-projets/gestion/2026/jury/"
    page = unescape(client.get(url).content.decode())
    assert "Envoyer l'invitation" in page and "Confier des candidatures" in page
    services.score_application(actor=manager_other, juror=free, application=mine, scores=_all_scores(call, 7))
    services.deliberate(actor=animator, call=call, amounts={mine.pk: 5000}, minutes="PV")
    page = unescape(client.get(url).content.decode())
    assert "Envoyer l'invitation" not in page and "Confier des candidatures" not in page
    assert "on n'invite plus de membre et on ne confie plus de candidature" in page
    answer = unescape(
        client.post(url, {"action": "assign", "juror": free.pk, "applications": [theirs.pk]}).content.decode()
    )
    assert "Le jury de cet appel a déjà délibéré : les candidatures ne se confient plus." in answer
    assert Juror.objects.get(pk=free.pk).all_applications and not free.assignments.exists()
    with pytest.raises(ValidationError, match="a déjà délibéré"):
        services.invite_juror(actor=animator, call=call, email="tard@example.org", name="Tard")
    assert not Juror.objects.filter(email="tard@example.org").exists()
