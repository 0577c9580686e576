from django.urls import path

from maillage.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.home, name="home"),
    path("grille/", views.grid_page, name="grid"),
    path("territoire/", views.territory_view, name="territory"),
    path("gestion/", views.manage, name="manage"),
    path("gestion/grilles/v<int:version>/", views.grid_edit, name="grid_edit"),
    path("gestion/grilles/v<int:version>/questions/nouvelle/", views.question_edit, name="question_add"),
    path("gestion/grilles/v<int:version>/questions/<int:pk>/", views.question_edit, name="question_edit"),
    path("gestion/campagnes/<int:year>/", views.campaign_page, name="campaign"),
    path("<int:year>/<slug:slug>/", views.sheet, name="sheet"),
    path("<int:year>/<slug:slug>/resultats/", views.results, name="results"),
    path("<int:year>/<slug:slug>/resultats.pdf", views.results_pdf, name="results_pdf"),
]
