"""Reads of core data."""

from __future__ import annotations

from django.db import models

from maillage.core.models import Commune, Domain, Territory


class TerritoryQuerySet(models.QuerySet):
    def active(self) -> TerritoryQuerySet:
        return self.filter(is_active=True)


def territory_for_host(host: str, *, default_slug: str = "") -> Territory | None:
    domain = (
        Domain.objects.select_related("territory")
        .filter(name=host.lower(), territory__is_active=True)
        .first()
    )
    if domain is not None:
        return domain.territory
    if default_slug:
        return Territory.objects.filter(slug=default_slug, is_active=True).first()
    return None


def communes_of(territory: Territory) -> models.QuerySet[Commune]:
    return Commune.objects.filter(territories=territory).order_by("name")
