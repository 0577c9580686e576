from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from maillage.api.api import api
from maillage.notifications.urls import legacy_urlpatterns as legacy_notification_urls

handler403 = "maillage.core.views.error_403"
handler404 = "maillage.core.views.error_404"
handler500 = "maillage.core.views.error_500"

urlpatterns = [
    path("", include("maillage.core.urls")),
    path("compte/", include("maillage.accounts.urls")),
    path("compte/", include("allauth.urls")),
    path("structures/", include("maillage.actors.urls")),
    path("agenda/", include("maillage.events.urls")),
    path("charte/", include("maillage.charter.urls")),
    path("contrat/", include("maillage.plan.urls")),
    path("notifications/", include("maillage.notifications.urls")),
    # Before the workspace: the notification pages lived at /ateliers/notifications/ (see the app's urls.py).
    path("ateliers/notifications/", include((legacy_notification_urls, "notifications_legacy"))),
    path("ateliers/", include("maillage.workspace.urls")),
    path("lettre/", include("maillage.newsletter.urls")),
    path("besoins/", include("maillage.needs.urls")),
    path("appels-a-projets/", include("maillage.calls.urls")),
    path("formations/", include("maillage.training.urls")),
    path("utilite-sociale/", include("maillage.assessment.urls")),
    path("rencontres/", include("maillage.matchmaking.urls")),
    path("", include("maillage.dashboard.urls")),
    path("achats/", include("maillage.procurement.urls")),
    path("trophees/", include("maillage.awards.urls")),
    path("cooperation/", include("maillage.cooperation.urls")),
    path("api/", include("maillage.api.urls")),
    path("api/docs", RedirectView.as_view(url="/api/", permanent=False)),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

# The load test's ceiling (bench/load/run.py): a bare « ok » behind the same middleware, only when asked for.
if settings.MAILLAGE_BENCH_OK_VIEW:
    from maillage.core.views import bench_ok

    urlpatterns.append(path("_banc/ok", bench_ok, name="bench_ok"))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
