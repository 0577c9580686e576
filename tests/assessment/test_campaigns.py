"""A campaign's life after its closing: reopening is refused once figures are published (a second release
after late answers would single out the structures that changed), allowed while nothing was published.
And the answer form's error summary: a group of radios links to an input that exists in the page."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from maillage.assessment import services
from maillage.assessment.models import Campaign, CampaignTransition
from maillage.assessment.services.campaigns import has_published_figures
from maillage.assessment.services.sheets import field_name
from maillage.core.actors import SYSTEM
from tests.assessment.factories import complete, open_year, population, question
from tests.harness.matrix import client_for

pytestmark = pytest.mark.django_db


def test_reopening_is_refused_once_figures_are_published_and_nothing_changes(territory, animator):
    campaign = open_year(territory)
    population(territory, campaign, count=5)
    services.close_campaign(actor=SYSTEM, campaign=campaign)
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert has_published_figures(campaign)
    logs = CampaignTransition.objects.count()
    updated = campaign.updated_at

    with pytest.raises(ValidationError) as refused:
        services.reopen_campaign(actor=animator, campaign=campaign)
    assert "La campagne 2026 ne peut pas être rouverte : ses résultats agrégés sont publiés." in str(
        refused.value
    )
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert campaign.status == "closed" and campaign.updated_at == updated
    assert CampaignTransition.objects.count() == logs


def test_the_campaign_page_explains_the_refusal_and_a_forged_post_changes_nothing(territory, animator):
    campaign = open_year(territory)
    population(territory, campaign, count=6)
    services.close_campaign(actor=SYSTEM, campaign=campaign)
    client = client_for(animator)
    page = client.get("/utilite-sociale/gestion/campagnes/2026/").content.decode()
    assert "Rouvrir la campagne" not in page
    assert "elle ne peut plus être rouverte" in page

    response = client.post("/utilite-sociale/gestion/campagnes/2026/", {"action": "reopen"}, follow=True)
    page = re.sub(r"\s+", " ", response.content.decode())
    assert "La campagne 2026 ne peut pas être rouverte : ses résultats agrégés sont publiés." in page
    assert Campaign.objects.get(pk=campaign.pk).status == "closed"


def test_a_campaign_whose_closing_published_nothing_may_be_reopened(territory, animator):
    campaign = open_year(territory)
    population(territory, campaign, count=4)  # under 5: no group is published
    services.close_campaign(actor=SYSTEM, campaign=campaign)
    assert not has_published_figures(Campaign.objects.get(pk=campaign.pk))
    client = client_for(animator)
    assert "Rouvrir la campagne" in client.get("/utilite-sociale/gestion/campagnes/2026/").content.decode()
    response = client.post("/utilite-sociale/gestion/campagnes/2026/", {"action": "reopen"}, follow=True)
    assert "La campagne 2026 est rouverte." in response.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).status == "open"


def test_the_error_summary_links_a_radio_group_to_its_first_input(territory, structure, manager):
    campaign = open_year(territory)
    client = client_for(manager)
    url = f"/utilite-sociale/2026/{structure.slug}/"
    client.post(url, {"action": "start"})
    scale = next(q for q in campaign.grid.themes.first().questions.all() if q.kind == "scale")
    raw = complete(campaign)
    raw[field_name(scale)] = ""
    raw[field_name(question(campaign, "achats-locaux"))] = ""
    page = client.post(url, {**raw, "action": "submit"}).content.decode()

    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    targets = re.findall(r'<a href="#([^"]*)">', summary)
    assert f"id_{field_name(scale)}_0" in targets  # the radio group: its first radio
    assert f"id_{field_name(question(campaign, 'achats-locaux'))}" in targets  # a text input: itself
    for target in targets:
        assert target and f'id="{target}"' in page, target
