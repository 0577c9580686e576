"""Errors of the API as RFC 9457 problem details (`application/problem+json`), answered and documented alike.

Every error the API gives — a bad parameter (422), a filter the territory does not know (400), something not
found (404), an unexpected failure (500) — is an object with `type`, `title`, `status`, `detail` and
`instance`, in French; a 422 adds `errors`, one entry per invalid parameter. `type` points to the section of
the API's reference page that explains the problem.

An operation states the error statuses it answers with `None` as their schema
(`response={200: ThingOut, 404: None}`): feature apps sit below this one and import nothing from it. The
schema is then completed here (`document_problems`): each error status gets the problem schema and its media
type, every operation of a territory gets its 404 (no territory is served at the host), and every operation
with a parameter that can fail validation gets its 422, every list paged by cursor its 400.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError

from maillage.core.cursor import InvalidCursor

logger = logging.getLogger("django.request")

MEDIA_TYPE = "application/problem+json"
REFERENCE_PATH = "/api/"
NO_TERRITORY = "Aucun territoire n'est servi à cette adresse."


@dataclass(frozen=True)
class ProblemType:
    slug: str
    title: str
    description: str  # the response's description in the OpenAPI schema and on the reference page

    @property
    def uri(self) -> str:
        return f"{REFERENCE_PATH}#probleme-{self.slug}"


PROBLEM_TYPES: dict[int, ProblemType] = {
    400: ProblemType(
        "requete-invalide",
        "Requête invalide",
        "Un filtre désigne ce que le territoire ne connaît pas (une commune, une adresse introuvable), ou le "
        "curseur de page a été modifié.",
    ),
    401: ProblemType(
        "authentification-requise",
        "Authentification requise",
        "La clé d'API envoyée (en-tête X-API-Key) est inconnue ou a été révoquée.",
    ),
    403: ProblemType("acces-refuse", "Accès refusé", "Ce compte n'a pas accès à cette ressource."),
    404: ProblemType(
        "introuvable",
        "Ressource introuvable",
        "La ressource n'existe pas, n'est pas publiée, ou aucun territoire n'est servi à cette adresse.",
    ),
    422: ProblemType(
        "parametres-invalides",
        "Paramètres invalides",
        "Un paramètre n'a pas la forme attendue (un nombre, oui ou non…) ; le champ « errors » les détaille.",
    ),
    429: ProblemType("trop-de-requetes", "Trop de requêtes", "Trop de requêtes en peu de temps."),
    500: ProblemType("erreur-interne", "Erreur interne", "Une erreur inattendue ; elle est journalisée."),
    503: ProblemType(
        "service-indisponible",
        "Service momentanément indisponible",
        "La base de données ne répond pas (maintenance, incident) ; réessayez après le délai de l'en-tête "
        "Retry-After.",
    ),
}


class ProblemOut(Schema):
    """An error, as RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str


class InvalidParameterOut(Schema):
    parameter: str
    location: str  # « query » or « path »
    message: str


class ValidationProblemOut(ProblemOut):
    """Invalid parameters (422): the problem details and one entry per invalid parameter."""

    errors: list[InvalidParameterOut]


def problem_response(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    kind = PROBLEM_TYPES.get(status) or ProblemType("erreur", "Erreur", "")
    body = {
        "type": kind.uri,
        "title": kind.title,
        "status": status,
        "detail": detail,
        "instance": request.get_full_path(),
        **extra,
    }
    return HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
        status=status,
        content_type=f"{MEDIA_TYPE}; charset=utf-8",
    )


# --- exception handlers -----------------------------------------------------------------------------------

_MESSAGES = {
    "int_parsing": "un nombre entier est attendu",
    "int_type": "un nombre entier est attendu",
    "int_from_float": "un nombre entier est attendu",
    "bool_parsing": "oui ou non est attendu (true, false, 1, 0, oui, non)",
    "bool_type": "oui ou non est attendu (true, false, 1, 0, oui, non)",
    "missing": "ce paramètre est obligatoire",
    "string_too_long": "la valeur est trop longue",
}


def _french(error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "greater_than_equal":
        return f"la valeur doit être au moins {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"la valeur doit être au plus {ctx.get('le')}"
    return _MESSAGES.get(kind, "la valeur n'est pas valide")


def _invalid_parameters(errors: list[dict]) -> list[dict]:
    out = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        location = loc[0] if loc else ""
        # Query models add their own name (["query", "filters", "page"]): the parameter is the last part.
        out.append(
            {"parameter": loc[-1] if len(loc) > 1 else "", "location": location, "message": _french(error)}
        )
    return out


def _on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = _invalid_parameters(exc.errors)
    names = ", ".join(f"« {e['parameter']} » ({e['message']})" for e in errors)
    return problem_response(request, 422, f"Paramètres invalides : {names}.", errors=errors)


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(request, exc.status_code, str(exc))


def _on_invalid_cursor(request: HttpRequest, exc: InvalidCursor) -> HttpResponse:
    return problem_response(request, 400, str(exc))


def _on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    message = str(exc)
    if not message or "matches the given query" in message:  # Django's own English message
        message = "Aucune ressource ne correspond à cette adresse."
    return problem_response(request, 404, message)


def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.error("Erreur interne de l'API : %s", request.path, exc_info=exc, extra={"status_code": 500})
    return problem_response(request, 500, "Une erreur inattendue est survenue ; elle a été journalisée.")


def install_handlers(api: NinjaAPI) -> None:
    api.add_exception_handler(ValidationError, _on_validation_error)
    api.add_exception_handler(HttpError, _on_http_error)
    api.add_exception_handler(InvalidCursor, _on_invalid_cursor)
    api.add_exception_handler(Http404, _on_not_found)
    api.add_exception_handler(Exception, _on_unexpected)


def require_territory(view):
    """A view decorator (before validation): an operation of a territory answers 404 at a host that serves
    none. It answers itself: ninja's exception handlers only catch what is raised inside the operation."""

    def wrapped(request, *args, **kwargs):
        if getattr(request, "territory", None) is None:
            return problem_response(request, 404, NO_TERRITORY)
        return view(request, *args, **kwargs)

    wrapped.__name__ = getattr(view, "__name__", "view")
    return wrapped


# --- the OpenAPI schema -----------------------------------------------------------------------------------


def _param_can_fail(param: dict) -> bool:
    """Whether ninja's validation can refuse this parameter (anything beyond a free string)."""
    if param.get("required") and param.get("in") != "path":
        return True
    schema = param.get("schema") or {}
    if schema.get("type") == "array":
        schema = schema.get("items") or {}
    constraints = {"maxLength", "minLength", "pattern", "enum", "format", "minimum", "maximum"}
    return schema.get("type", "string") != "string" or bool(constraints & schema.keys())


def _component(model: type[Schema]) -> dict:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    return {model.__name__: schema, **defs}


def document_problems(
    schema: dict, *, territory_free_paths: set[str], own_error_bodies: frozenset[str] = frozenset()
) -> dict:
    """Complete the OpenAPI schema: every error response as problem details (see the module's docstring).
    Paths in `own_error_bodies` keep the error answers their operation documents (the health check's 503 is
    its own JSON report, naming the failing parts, not a problem)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(_component(ProblemOut))
    components.update(_component(ValidationProblemOut))
    for path, item in schema.get("paths", {}).items():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            if path not in territory_free_paths:
                responses.setdefault(404, {})
            if any(_param_can_fail(p) for p in operation.get("parameters", [])):
                responses.setdefault(422, {})
            if any(p.get("name") == "curseur" for p in operation.get("parameters", [])):
                responses.setdefault(400, {})  # a tampered cursor (core.cursor.InvalidCursor)
            for status in list(responses):
                code = int(status)
                if code < 400 or (path in own_error_bodies and responses[status].get("content")):
                    continue
                model = ValidationProblemOut if code == 422 else ProblemOut
                kind = PROBLEM_TYPES.get(code)
                responses[status] = {
                    "description": kind.description if kind else "Erreur",
                    "content": {MEDIA_TYPE: {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}},
                }
            operation["responses"] = dict(sorted(responses.items(), key=lambda kv: int(kv[0])))
    return schema
