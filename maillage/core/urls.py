from django.urls import path

from maillage.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("mentions-legales/", views.legal_page, {"page": "legal_notice"}, name="legal_notice"),
    path("donnees-personnelles/", views.legal_page, {"page": "privacy"}, name="privacy"),
    path("accessibilite/", views.legal_page, {"page": "accessibility"}, name="accessibility"),
    path("plan-du-site/", views.sitemap, name="sitemap"),
    path("theme.css", views.theme_css, name="theme"),
]
