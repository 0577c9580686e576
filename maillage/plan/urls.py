from django.urls import path

from maillage.plan import views

app_name = "plan"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.index, name="version"),
    path("element/<int:pk>/", views.node_detail, name="node"),
    path("<int:year>/export.<str:fmt>", views.export, name="export"),
    path("<int:year>/feuille-de-route/", views.roadmap_page, name="roadmap"),
    path("gestion/<int:year>/import/", views.import_plan, name="import"),
    path("<int:year>/evaluation/", views.evaluation_page, name="evaluation"),
    path("<int:year>/evaluation.pdf", views.evaluation_pdf, name="evaluation_pdf"),
    path("<int:year>/evaluation/commenter/", views.evaluation_comment, name="evaluation_comment"),
    path("gestion/<int:year>/evaluation/", views.evaluation_manage, name="evaluation_manage"),
    path("gestion/", views.manage, name="manage"),
    path("gestion/nouveau-plan/", views.version_create, name="version_create"),
    path("gestion/document/", views.document_add, name="document_add"),
    path("gestion/<int:year>/ajouter/", views.node_create, name="node_create"),
    path("gestion/element/<int:pk>/", views.node_edit, name="node_edit"),
    path("gestion/element/<int:pk>/statut/", views.node_status, name="node_status"),
    path("gestion/element/<int:pk>/avancement/", views.node_progress, name="node_progress"),
    path("gestion/element/<int:pk>/moyen/", views.means_add, name="means_add"),
    path("gestion/element/<int:pk>/echeance/", views.schedule_add, name="schedule_add"),
    path("gestion/element/<int:pk>/jalon/", views.milestone_add, name="milestone_add"),
    path("gestion/element/<int:pk>/indicateur/", views.indicator_add, name="indicator_add"),
    path("gestion/element/<int:pk>/lien/", views.link_add, name="link_add"),
    path("gestion/indicateur/<int:pk>/mesure/", views.measurement_add, name="measurement_add"),
]
