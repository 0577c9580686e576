from django.urls import path

from maillage.actors import views

app_name = "actors"
urlpatterns = [
    path("", views.structure_list, name="list"),
    path("carte.json", views.structure_markers, name="markers"),
    path("export.<str:fmt>", views.structure_export, name="export"),
    path("inscrire/", views.structure_create, name="create"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/fiche/<int:pk>/", views.moderate, {"kind": "structure"}, name="moderate_structure"),
    path("moderation/modification/<int:pk>/", views.moderate, {"kind": "proposal"}, name="moderate_proposal"),
    path("moderation/demande/<int:pk>/", views.moderate, {"kind": "request"}, name="moderate_request"),
    path("moderation/signalement/<int:pk>/", views.resolve_report, name="resolve_report"),
    path("moderation/fusion/<int:pk>/", views.moderate_merge, name="moderate_merge"),
    path("import/", views.import_start, name="import"),
    path("import/<int:pk>/", views.import_status, name="import_status"),
    path("pratiques/", views.practice_list, name="practices"),
    path("<slug:slug>/", views.structure_detail, name="detail"),
    path("<slug:slug>/contact/", views.structure_contact, name="contact"),
    path("<slug:slug>/signaler/", views.structure_report, name="report"),
    path("<slug:slug>/modifier/", views.structure_edit, name="edit"),
    path("<slug:slug>/demander-la-gestion/", views.structure_claim, name="claim"),
    path("<slug:slug>/demandes-de-gestion/", views.structure_claims, name="claims"),
    path("<slug:slug>/pratiques/nouvelle/", views.practice_edit, name="practice_create"),
    path("<slug:slug>/pratiques/<slug:practice_slug>/", views.practice_detail, name="practice_detail"),
    path("<slug:slug>/pratiques/<slug:practice_slug>/modifier/", views.practice_edit, name="practice_edit"),
]
