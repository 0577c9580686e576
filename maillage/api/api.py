"""The versioned public API: every app's ninja router, assembled under /api/v1/.

OpenAPI schema at /api/v1/openapi.json, documentation served locally at /api/docs (and /api/v1/docs).
The API answers for the territory of the request's host, like the pages.
"""

from ninja import NinjaAPI

from maillage.actors.api import router as actors_router

api = NinjaAPI(
    title="Maillage API",
    version="1",
    description="API de Maillage : les données publiques du contrat local de développement de l'ESS "
    "(structures, agenda, charte, plan d'actions).",
    urls_namespace="api-1",
    docs_url="/docs",
)


@api.get("/sante", tags=["socle"], summary="État du service")
def health(request):
    return {"status": "ok"}


api.add_router("/", actors_router)
api.add_router("/", "maillage.charter.api.router")
api.add_router("/", "maillage.newsletter.api.router")
api.add_router("/", "maillage.workspace.api.router")
api.add_router("/", "maillage.events.api.router")
api.add_router("/", "maillage.plan.api.router")
