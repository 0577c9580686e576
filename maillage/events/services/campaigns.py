"""Campaigns (« Mois de l'ESS »): create one, validate the events proposed to it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from maillage.core.actors import Actor
from maillage.core.models import Territory
from maillage.events import permissions
from maillage.events.models import (
    Campaign,
    Event,
    Status,
)
from maillage.events.services.events import move_event


@transaction.atomic
def validate_campaign_event(*, actor: Actor, event: Event, accept: bool) -> Event:
    """The animator accepts (and publishes) or turns down an event proposed to a campaign."""
    permissions.require(actor, permissions.ANIMATE_AGENDA, event.territory)
    if event.campaign_id is None:
        raise ValidationError("Ce rendez-vous n'est proposé à aucune campagne.")
    event.campaign_validated = accept
    event.save(update_fields=["campaign_validated", "updated_at"])
    if accept and event.status == Status.DRAFT:
        move_event(event, Status.PUBLISHED, actor=actor, note="validé pour la campagne")
    return event


@transaction.atomic
def create_campaign(
    *,
    actor: Actor,
    territory: Territory,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    description: str = "",
    slug: str = "",
) -> Campaign:
    permissions.require(actor, permissions.ANIMATE_AGENDA, territory)
    if ends_on < starts_on:
        raise ValidationError("La fin de la campagne doit être après son début.")
    campaign = Campaign(
        territory=territory,
        title=title,
        slug=slug or slugify(title)[:120],
        starts_on=starts_on,
        ends_on=ends_on,
        description=description,
    )
    campaign.full_clean()
    campaign.save()
    return campaign
