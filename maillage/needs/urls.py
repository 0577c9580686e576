from django.urls import path

from maillage.needs import views

app_name = "needs"
urlpatterns = [
    path("", views.need_list, name="list"),
    path("carte/", views.need_map, name="map"),
    path("signaler/", views.report, name="report"),
    path("confirmer/<str:token>/", views.ConfirmNeedView.as_view(), name="confirm"),
    path("soutien/confirmer/<str:token>/", views.ConfirmSupportView.as_view(), name="confirm_support"),
    path("animation/", views.manage, name="manage"),
    path("animation/categories/", views.categories, name="categories"),
    path("<int:pk>/", views.need_detail, name="detail"),
    path("<int:pk>/soutenir/", views.support, name="support"),
    path("<int:pk>/statut/", views.move, name="move"),
    path("<int:pk>/fusionner/", views.merge, name="merge"),
    path("<int:pk>/structures/", views.structures, name="structures"),
]
