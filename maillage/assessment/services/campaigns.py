"""Writes of the yearly campaigns: open one (on the published grid), close it, reopen it (only while its
closing published no figure: see `reopen_campaign`)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from maillage.assessment.aggregates import release
from maillage.assessment.models import Campaign, CampaignStatus, Grid
from maillage.assessment.permissions import require_animator
from maillage.assessment.services.notices import tell_managers_campaign_opened
from maillage.core.actors import Actor
from maillage.core.db import lock_row
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


def has_published_figures(campaign: Campaign) -> bool:
    """Whether the closing of the campaign published at least one group's figures (5 structures or more)."""
    found = release(campaign)
    return found is not None and any(group.published for group in found.groups.values())


REOPEN_REFUSED = (
    "La campagne {year} ne peut pas être rouverte : ses résultats agrégés sont publiés. Des réponses "
    "ajoutées ou corrigées après coup changeraient des médianes déjà lues, et la comparaison des deux "
    "publications permettrait de retrouver les scores d'une structure. Les structures qui n'ont pas "
    "répondu le pourront à la campagne suivante."
)


@transaction.atomic
def reopen_campaign(*, actor: Actor, campaign: Campaign) -> Campaign:
    """Back to open, only when its closing published nothing (no group of 5 structures or more): once a
    release is read, a second one after late answers would single out the structures that changed."""
    require_animator(actor, campaign.territory)
    locked = lock_row(Campaign.objects.all(), campaign.pk)
    if has_published_figures(locked):
        raise ValidationError(REOPEN_REFUSED.format(year=locked.year))
    return transition(campaign, CampaignStatus.OPEN, actor=actor)
