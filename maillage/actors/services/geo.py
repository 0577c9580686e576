"""Positions of structures: the commune's centroid at once, the geocoder after commit."""

from __future__ import annotations

from django.db import transaction

from maillage.actors.models import (
    Structure,
)
from maillage.actors.services.indexing import directory_changed
from maillage.core.registry import registry
from maillage.core.tasks import enqueue_with_transaction

# Enqueued by path: the tasks module writes through these services, they do not import it.
GEOCODE_TASK = "maillage.actors.tasks.geocode_structure_task"


def schedule_geocoding(structure: Structure, *, force: bool = False) -> None:
    """Locate the structure after commit (never waits on the network); the commune centroid meanwhile."""
    if structure.geocoding in (Structure.Geocoding.MANUAL, Structure.Geocoding.SOURCE) and not force:
        return
    if structure.commune is not None and structure.commune.latitude is not None and not structure.is_located:
        Structure.objects.filter(pk=structure.pk).update(
            latitude=structure.commune.latitude,
            longitude=structure.commune.longitude,
            geocoding=Structure.Geocoding.COMMUNE,
        )
        structure.latitude, structure.longitude = structure.commune.latitude, structure.commune.longitude
        structure.geocoding = Structure.Geocoding.COMMUNE
        registry.structures_changed([structure.pk])
    if structure.address and structure.commune is not None:
        enqueue_with_transaction(GEOCODE_TASK, structure.pk)  # no periodic job would geocode it later


@transaction.atomic
def set_position(*, structure_id: int, latitude: float, longitude: float, geocoding: str) -> None:
    territory_id = Structure.objects.filter(pk=structure_id).values_list("territory_id", flat=True).first()
    Structure.objects.filter(pk=structure_id).update(
        latitude=latitude, longitude=longitude, geocoding=geocoding
    )
    if territory_id is not None:
        directory_changed(territory_id)
        registry.structures_changed([structure_id])
