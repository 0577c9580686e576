"""Writes of the yearly campaigns: open one (on the published grid), close it, reopen it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from maillage.assessment.models import Campaign, CampaignStatus, Grid
from maillage.assessment.permissions import require_animator
from maillage.assessment.services.notices import tell_managers_campaign_opened
from maillage.core.actors import Actor
from maillage.core.machines import log_creation, transition
from maillage.core.models import Territory


@transaction.atomic
def open_campaign(
    *,
    actor: Actor,
    territory: Territory,
    year: int,
    closes_on: dt.date | None = None,
    notify_managers: bool = True,
) -> Campaign:
    require_animator(actor, territory)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "Indiquez une année à quatre chiffres (par exemple 2026)."})
    grid = Grid.objects.published(territory)
    if grid is None:
        raise ValidationError("Publiez d'abord une grille : une campagne se remplit sur la grille publiée.")
    if Campaign.objects.filter(territory=territory, year=year).exists():
        raise ValidationError({"year": f"Une campagne existe déjà pour {year}."})
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(territory=territory, year=year, grid=grid, closes_on=closes_on)
    except IntegrityError:
        raise ValidationError({"year": f"Une campagne existe déjà pour {year}."}) from None
    log_creation(campaign, actor=actor, note=f"grille version {grid.version}")
    if notify_managers:
        tell_managers_campaign_opened(actor=actor, campaign=campaign)
    return campaign


def close_campaign(*, actor: Actor, campaign: Campaign) -> Campaign:
    require_animator(actor, campaign.territory)
    return transition(campaign, CampaignStatus.CLOSED, actor=actor)


def reopen_campaign(*, actor: Actor, campaign: Campaign) -> Campaign:
    require_animator(actor, campaign.territory)
    return transition(campaign, CampaignStatus.OPEN, actor=actor)
