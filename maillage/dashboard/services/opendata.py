"""Writes of the open data: each dataset of each territory rendered as CSV, JSON (and GeoJSON when it has a
position) into the default storage, then recorded with its row count and date. A dataset's files are all
written before its records change: a failure leaves the previous files and records as they were."""

from __future__ import annotations

import json

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from maillage.core.actors import Actor
from maillage.core.exports import build_dataset, render_dataset
from maillage.core.models import Territory
from maillage.dashboard.models import OpenDataFile
from maillage.dashboard.opendata import DATASETS, LICENCE, Dataset
from maillage.dashboard.permissions import require_animator


def render(dataset: Dataset, rows: list[list], fmt: str) -> bytes:
    if fmt == "csv":
        return render_dataset(build_dataset(dataset.headers, rows, title=dataset.key), "csv")
    if fmt == "json":
        records = [dict(zip(dataset.headers, row, strict=True)) for row in rows]
        return json.dumps(
            {"licence": LICENCE, "donnees": records}, cls=DjangoJSONEncoder, ensure_ascii=False
        ).encode()
    if fmt == "geojson" and dataset.geo is not None:
        lat, lng = dataset.geo
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [row[lng], row[lat]]},
                "properties": dict(zip(dataset.headers, row, strict=True)),
            }
            for row in rows
            if row[lat] is not None and row[lng] is not None
        ]
        return json.dumps(
            {"type": "FeatureCollection", "licence": LICENCE, "features": features},
            cls=DjangoJSONEncoder,
            ensure_ascii=False,
        ).encode()
    raise ValueError(f"Format inconnu : {fmt}")


def build_dataset_files(*, actor: Actor, territory: Territory, key: str) -> list[OpenDataFile]:
    require_animator(actor, territory)
    dataset = DATASETS[key]
    rows = list(dataset.rows(territory))
    written = []
    for fmt in dataset.formats:
        body = render(dataset, rows, fmt)
        name = f"donnees-ouvertes/{territory.slug}/{key}.{fmt}"
        if default_storage.exists(name):
            default_storage.delete(name)
        path = default_storage.save(name, ContentFile(body))
        written.append((fmt, path, len(rows), len(body)))
    now = timezone.now()
    with transaction.atomic():
        return [
            OpenDataFile.objects.update_or_create(
                territory=territory,
                dataset=key,
                fmt=fmt,
                defaults={"path": path, "rows": count, "size": size, "generated_at": now},
            )[0]
            for fmt, path, count, size in written
        ]


def build_open_data(*, actor: Actor, territory: Territory | None = None) -> int:
    """Every dataset of the territory (or of every active territory). Returns the number of files."""
    territories = [territory] if territory is not None else list(Territory.objects.filter(is_active=True))
    return sum(
        len(build_dataset_files(actor=actor, territory=t, key=key)) for t in territories for key in DATASETS
    )
