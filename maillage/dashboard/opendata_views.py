"""The « données ouvertes » page, the bulk files and their Table Schemas."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from maillage.core.actors import system
from maillage.core.models import Territory
from maillage.dashboard import services
from maillage.dashboard.models import OpenDataFile
from maillage.dashboard.opendata import DATASETS, LICENCE, LICENCE_URL

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "geojson": "application/geo+json",
}


def _files(territory: Territory) -> dict[tuple[str, str], OpenDataFile]:
    files = {(f.dataset, f.fmt): f for f in OpenDataFile.objects.filter(territory=territory)}
    if len(files) < sum(len(d.formats) for d in DATASETS.values()):
        services.build_open_data(actor=system("premières données ouvertes"), territory=territory)
        files = {(f.dataset, f.fmt): f for f in OpenDataFile.objects.filter(territory=territory)}
    return files


def open_data(request: HttpRequest) -> HttpResponse:
    files = _files(request.territory)
    datasets = [
        {
            "dataset": d,
            "files": [files[(d.key, fmt)] for fmt in d.formats if (d.key, fmt) in files],
            "generated_at": max((f.generated_at for (k, _), f in files.items() if k == d.key), default=None),
        }
        for d in DATASETS.values()
    ]
    return render(
        request,
        "dashboard/open_data.html",
        {"datasets": datasets, "licence": LICENCE, "licence_url": LICENCE_URL},
    )


def open_data_file(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    if key not in DATASETS or fmt not in DATASETS[key].formats:
        raise Http404("Ce jeu de données n'existe pas dans ce format.")
    record = _files(request.territory).get((key, fmt))
    if record is None or not default_storage.exists(record.path):
        raise Http404("Ce fichier n'est pas encore disponible.")
    response = FileResponse(default_storage.open(record.path, "rb"), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = (
        content_disposition_header(True, f"{request.territory.slug}-{key}.{fmt}") or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Access-Control-Allow-Origin"] = "*"
    response["Last-Modified"] = record.generated_at.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return response


def open_data_schema(request: HttpRequest, key: str) -> HttpResponse:
    dataset = DATASETS.get(key)
    if dataset is None:
        raise Http404("Ce jeu de données n'existe pas.")
    schema = {
        "title": dataset.title,
        "description": dataset.description,
        "licence": LICENCE,
        **dataset.schema(),
    }
    response = JsonResponse(schema, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    return response
