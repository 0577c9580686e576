from django.urls import path

from maillage.cooperation import views

app_name = "cooperation"
urlpatterns = [
    path("", views.home, name="home"),
    path("partage/<int:pk>/", views.shared_detail, name="shared"),
    path("importe/<int:pk>/", views.imported_detail, name="imported"),
    path("animation/", views.animation, name="animation"),
    path("animation/partager/", views.share, name="share"),
    path("animation/partages/<int:pk>/retirer/", views.withdraw, name="withdraw"),
    path("abonnements/", views.subscriptions, name="subscriptions"),
    path("abonnements/<int:pk>/actualiser/", views.refresh, name="refresh"),
    path("abonnements/<int:pk>/supprimer/", views.unsubscribe, name="unsubscribe"),
]
