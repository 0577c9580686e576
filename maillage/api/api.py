"""The versioned public API: every app's ninja router, assembled under /api/v1/ (docs at /api/v1/docs)."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Maillage API",
    version="1",
    description="API de Maillage : structures, agenda, charte, plan d'actions du CLDESS.",
    urls_namespace="api-1",
    docs_url="/docs",
)


@api.get("/sante", tags=["socle"], summary="État du service")
def health(request):
    return {"status": "ok"}
