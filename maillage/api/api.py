"""The versioned public API: every app's ninja router, assembled under /api/v1/.

OpenAPI schema at /api/v1/openapi.json, documentation served locally at /api/docs (and /api/v1/docs).
The API answers for the territory of the request's host, like the pages. Errors are RFC 9457 problem
details, answered by the exception handlers installed here and documented in the schema (see `problems`).
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI, Schema

from maillage.actors.api import router as actors_router
from maillage.api import access, problems
from maillage.api.figures import router as figures_router
from maillage.assessment.api import router as assessment_router
from maillage.awards.api import router as awards_router
from maillage.calls.api import router as calls_router
from maillage.charter.api import router as charter_router
from maillage.cooperation.api import router as cooperation_router
from maillage.core import health as core_health
from maillage.events.api import router as events_router
from maillage.matchmaking.api import router as matchmaking_router
from maillage.needs.api import router as needs_router
from maillage.newsletter.api import router as newsletter_router
from maillage.plan.api import router as plan_router
from maillage.training.api import router as training_router
from maillage.workspace.api import router as workspace_router

HEALTH_PATH = "/sante"


class MaillageAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        prefix = self.get_root_path(path_params or {}) if path_prefix is None else path_prefix
        health = f"/{prefix.strip('/')}{HEALTH_PATH}" if prefix.strip("/") else HEALTH_PATH
        return problems.document_problems(
            schema, territory_free_paths={health}, own_error_bodies=frozenset({health})
        )


api = MaillageAPI(
    title="Maillage API",
    version="1",
    description="API de Maillage : les données publiques du contrat local de développement de l'ESS "
    "(structures, agenda, charte, plan d'actions, besoins sociaux, appels à projets, Trophée, formations, "
    "utilité sociale, rencontres, chiffres clés). Les listes se parcourent par curseur (`curseur`, "
    "`taille`). Les erreurs suivent la RFC 9457 (`application/problem+json`).",
    urls_namespace="api-1",
    docs_url="/docs",
)
problems.install_handlers(api)


class HealthOut(Schema):
    status: str
    checks: dict[str, str]
    failing: list[str] = []


@api.get(
    HEALTH_PATH,
    tags=["socle"],
    summary="État du service",
    description="Vérifie la base de données, le cache et le signal du worker des tâches ; 503 nomme ce qui "
    "ne répond pas. (Le même contrôle répond sur /healthz, avant toute autre couche.)",
    response={200: HealthOut, 503: HealthOut},
)
def health(request):
    # HealthCheckMiddleware answers this path first; this operation documents it and answers the same
    # when the middleware is not installed.
    return core_health.health()


for router in (
    actors_router,
    charter_router,
    newsletter_router,
    workspace_router,
    events_router,
    plan_router,
    needs_router,
    calls_router,
    awards_router,
    training_router,
    assessment_router,
    matchmaking_router,
    figures_router,
    cooperation_router,
):
    router.add_decorator(problems.require_territory, mode="view")
    router.add_decorator(access.read_access, mode="view")
    api.add_router("/", router)
