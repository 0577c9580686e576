"""The API's reference page: the OpenAPI schema drawn in our own accessible layout.

The Swagger UI explorer (/api/v1/docs) is a third-party interface we do not control; this page gives the
same content (every endpoint, its parameters and responses) in the site's accessible templates.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from maillage.api.api import api
from maillage.api.problems import PROBLEM_TYPES

_METHOD_ORDER = ["get", "post", "put", "patch", "delete"]


def _operations(schema: dict) -> list[dict]:
    operations = []
    for path, item in schema.get("paths", {}).items():
        for method in _METHOD_ORDER:
            op = item.get(method)
            if op is None:
                continue
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "tags": op.get("tags", []),
                    "parameters": [
                        {
                            "name": p.get("name"),
                            "location": p.get("in"),
                            "required": p.get("required", False),
                            "description": p.get("description", "") or p.get("schema", {}).get("title", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "responses": sorted(op.get("responses", {}).keys()),
                    "anchor": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                }
            )
    return operations


def reference(request: HttpRequest) -> HttpResponse:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return render(
        request,
        "api/reference.html",
        {
            "title": schema["info"]["title"],
            "version": schema["info"]["version"],
            "description": schema["info"].get("description", ""),
            "operations": _operations(schema),
            "openapi_url": "/api/v1/openapi.json",
            "problems": [
                {"status": status, "slug": kind.slug, "title": kind.title, "description": kind.description}
                for status, kind in sorted(PROBLEM_TYPES.items())
            ],
        },
    )
