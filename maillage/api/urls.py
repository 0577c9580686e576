from django.urls import path

from maillage.api import keys_views, views

app_name = "api_pages"
urlpatterns = [
    path("", views.reference, name="reference"),
    path("cles/", keys_views.keys, name="keys"),
    path("cles/<int:pk>/revoquer/", keys_views.revoke, name="revoke_key"),
]
