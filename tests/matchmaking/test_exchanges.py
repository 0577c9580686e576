"""« Vis ma vie » on the database: volunteers and their bad inputs, the pairing (through the optimiser) and
its mails, confirmation by both sides, testimonies (owned, after the day, published only with consent and
by the animation), scoping of the pair's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.core.actors import system
from maillage.core.machines import history
from maillage.matchmaking import models as mm
from maillage.matchmaking import services
from maillage.matchmaking.models import Exchange, Volunteer
from tests.factories import UserFactory
from tests.matchmaking.factories import campaign_days, make_campaign

pytestmark = pytest.mark.django_db
SYS = system("tests")


@pytest.fixture
def campaign(territory):
    return make_campaign(territory)


@pytest.fixture
def boss():
    return UserFactory(email="pdg@sophia.example", first_name="Claire", last_name="Fabre")


def volunteer(user, campaign, side, name, offsets=(0, 3, 5)):
    return services.register_volunteer(
        actor=user,
        campaign=campaign,
        side=side,
        name=name,
        structure_name=f"Structure de {name}",
        dates=campaign_days(campaign, *offsets),
    )


def paired(campaign, member, boss, capture=None):
    mine = volunteer(member, campaign, "a", "Karima")
    theirs = volunteer(boss, campaign, "b", "Claire")
    services.save_volunteer_wishes(actor=member, volunteer=mine, wished=[theirs.pk])
    services.transition_campaign(actor=SYS, campaign=campaign, to="closed")
    if capture is None:
        [exchange] = services.form_pairs(actor=SYS, campaign=campaign)
    else:
        with capture(execute=True):
            [exchange] = services.form_pairs(actor=SYS, campaign=campaign)
    return mine, theirs, exchange


def test_a_volunteer_needs_two_dates_in_the_window(campaign, member):
    with pytest.raises(ValidationError) as caught:
        volunteer(member, campaign, "a", "Karima", offsets=(0,))
    assert "Indiquez au moins deux dates" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        volunteer(member, campaign, "a", "Karima", offsets=(0, 30))
    assert "Choisissez des dates entre le" in str(caught.value)
    assert not Volunteer.objects.exists()


def test_registering_again_updates_and_closed_campaigns_refuse(campaign, member):
    volunteer(member, campaign, "a", "Karima")
    volunteer(member, campaign, "a", "Karima Haddad")
    assert Volunteer.objects.get().name == "Karima Haddad"
    services.transition_campaign(actor=SYS, campaign=campaign, to="closed")
    with pytest.raises(ValidationError, match="ne sont pas ouvertes"):
        volunteer(member, campaign, "a", "Autre")
    assert Volunteer.objects.get().name == "Karima Haddad"


def test_wishes_only_for_the_other_side(campaign, member, boss, manager):
    mine = volunteer(member, campaign, "a", "Karima")
    same_side = volunteer(manager, campaign, "a", "Louis")
    with pytest.raises(ValidationError, match="autre côté"):
        services.save_volunteer_wishes(actor=member, volunteer=mine, wished=[same_side.pk])
    with pytest.raises(PermissionDenied):
        services.save_volunteer_wishes(actor=boss, volunteer=mine, wished=[])
    mine.refresh_from_db()
    assert mine.wishes == []


def test_pairing_forms_a_pair_on_common_dates_and_mails_both(
    campaign, member, boss, django_capture_on_commit_callbacks
):
    mine, theirs, exchange = paired(campaign, member, boss, django_capture_on_commit_callbacks)
    assert (exchange.a, exchange.b) == (mine, theirs) and exchange.wished
    assert exchange.first_date < exchange.second_date
    assert {exchange.first_date, exchange.second_date} <= mine.date_set() & theirs.date_set()
    campaign.refresh_from_db()
    assert campaign.status == "paired"
    assert [lv["name"] for lv in campaign.levels] == ["wishes", "pairs"]
    subjects = sorted(m.subject for m in mail.outbox if "binôme" in m.subject)
    assert len(subjects) == 2 and all("confirmez-le" in s for s in subjects)
    assert f"/rencontres/vis-ma-vie/binomes/{exchange.pk}/" in mail.outbox[-1].body


def test_pairing_impossible_says_why_and_keeps_the_campaign(campaign, member, boss):
    volunteer(member, campaign, "a", "Karima", offsets=(0, 1))
    volunteer(boss, campaign, "b", "Claire", offsets=(2, 3))
    services.transition_campaign(actor=SYS, campaign=campaign, to="closed")
    with pytest.raises(ValidationError) as caught:
        services.form_pairs(actor=SYS, campaign=campaign)
    assert "aucune paire n'a deux dates communes" in str(caught.value)
    campaign.refresh_from_db()
    assert campaign.status == "closed" and campaign.messages and not Exchange.objects.exists()


def test_only_the_animation_forms_pairs(campaign, member):
    services.transition_campaign(actor=SYS, campaign=campaign, to="closed")
    with pytest.raises(PermissionDenied):
        services.form_pairs(actor=member, campaign=campaign)


def test_both_confirm_then_the_pair_is_confirmed_and_told(
    campaign, member, boss, django_capture_on_commit_callbacks
):
    mine, theirs, exchange = paired(campaign, member, boss)
    services.confirm_exchange(actor=member, exchange=exchange, volunteer=mine)
    exchange.refresh_from_db()
    assert exchange.status == "proposed" and exchange.a_confirmed_at
    with pytest.raises(PermissionDenied):
        services.confirm_exchange(actor=member, exchange=exchange, volunteer=theirs)
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_exchange(actor=boss, exchange=exchange, volunteer=theirs)
    exchange.refresh_from_db()
    assert exchange.status == "confirmed"
    assert [h.to_state for h in history(exchange)] == ["proposed", "confirmed"]
    assert sum("est confirmé" in m.subject for m in mail.outbox) == 2
    with pytest.raises(ValidationError, match="déjà"):
        services.decline_exchange(actor=member, exchange=exchange, volunteer=mine)


def test_a_declined_pair_is_not_proposed_again(campaign, member, boss):
    mine, _theirs, exchange = paired(campaign, member, boss)
    services.decline_exchange(actor=member, exchange=exchange, volunteer=mine)
    services.transition_campaign(actor=SYS, campaign=campaign, to="closed")
    with pytest.raises(ValidationError, match="Aucun binôme possible"):
        services.form_pairs(actor=SYS, campaign=campaign)
    assert Exchange.objects.get().status == "declined"


def test_testimony_after_the_first_day_moderated_and_published_with_consent(campaign, member, boss):
    mine, theirs, exchange = paired(campaign, member, boss)
    for who, v in ((member, mine), (boss, theirs)):
        services.confirm_exchange(actor=who, exchange=exchange, volunteer=v)
    exchange.refresh_from_db()
    text = "Une journée passionnante au chantier d'insertion."
    with pytest.raises(ValidationError, match="après la première journée"):
        services.submit_testimony(
            actor=member, exchange=exchange, volunteer=mine, text=text, consent=True, today=dt.date.today()
        )
    after = exchange.first_date
    with pytest.raises(ValidationError, match="20 caractères"):
        services.submit_testimony(
            actor=member, exchange=exchange, volunteer=mine, text="Bien.", consent=True, today=after
        )
    with pytest.raises(PermissionDenied):
        services.submit_testimony(
            actor=boss, exchange=exchange, volunteer=mine, text=text, consent=True, today=after
        )
    kept = services.submit_testimony(
        actor=boss, exchange=exchange, volunteer=theirs, text=text, consent=False, today=after
    )
    mine_t = services.submit_testimony(
        actor=member, exchange=exchange, volunteer=mine, text=text + "\x07", consent=True, today=after
    )
    assert mine_t.text == text and mine_t.status == "submitted"
    with pytest.raises(PermissionDenied):
        services.moderate_testimony(actor=member, testimony=mine_t, publish=True)
    with pytest.raises(ValidationError, match="pas accepté"):
        services.moderate_testimony(actor=SYS, testimony=kept, publish=True)
    services.moderate_testimony(actor=SYS, testimony=mine_t, publish=True)
    assert list(mm.Testimony.objects.filter(status="published")) == [mine_t]
    with pytest.raises(ValidationError, match="déjà relu"):
        services.submit_testimony(
            actor=member, exchange=exchange, volunteer=mine, text=text, consent=True, today=after
        )


def test_the_pair_page_is_for_the_pair_and_the_animation(client, campaign, member, boss, manager, animator):
    _mine, _theirs, exchange = paired(campaign, member, boss)
    url = f"/rencontres/vis-ma-vie/binomes/{exchange.pk}/"
    for user, status in ((member, 200), (boss, 200), (manager, 403), (animator, 200)):
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.force_login(member)
    ics = client.get(url + "vis-ma-vie.ics")
    assert ics.status_code == 200 and b"Vis ma vie : Claire chez Structure de Karima" in ics.content


def test_confirm_from_the_page(client, campaign, member, boss):
    _mine, _theirs, exchange = paired(campaign, member, boss)
    client.force_login(boss)
    response = client.post(
        f"/rencontres/vis-ma-vie/binomes/{exchange.pk}/confirmer/", {"decision": "confirmer"}, follow=True
    )
    assert "nous attendons celle de votre binôme" in response.content.decode()
    exchange.refresh_from_db()
    assert exchange.b_confirmed_at and not exchange.a_confirmed_at


def test_volunteer_form_bad_input_says_so(client, campaign, member):
    client.force_login(member)
    response = client.post(
        f"/rencontres/vis-ma-vie/{campaign.pk}/volontaire/",
        {"side": "a", "name": "Karima", "structure_name": "ACI", "dates": [campaign.first_date.isoformat()]},
    )
    assert response.status_code == 400
    assert "Indiquez au moins deux dates" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_personal_data_export_and_erasure(campaign, member, boss):
    paired(campaign, member, boss)
    [row] = services.export_person(member)
    assert row["vis_ma_vie"] == "Vis ma vie de test" and row["nom"] == "Karima"
    assert services.erase_person(actor=SYS, user=member) == 1
    gone = Volunteer.objects.get(name="Volontaire retiré")
    assert gone.user is None and gone.dates == [] and gone.withdrawn
