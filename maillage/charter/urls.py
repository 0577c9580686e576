from django.urls import path

from maillage.charter import views

app_name = "charter"
urlpatterns = [
    path("", views.charter_home, name="home"),
    path("comparer/", views.version_diff, name="diff"),
    path("signataires/", views.signatory_list, name="signatories"),
    path("signataires.csv", views.signatory_csv, name="signatories_csv"),
    path("signataires/<slug:slug>/", views.structure_history, name="structure"),
    path("signataires/<slug:slug>/attestation-v<int:number>.pdf", views.certificate_pdf, name="certificate"),
    path("signatures/<int:pk>/retirer/", views.withdraw, name="withdraw"),
    path("gestion/", views.manage, name="manage"),
    path("gestion/v<int:number>/", views.version_edit, name="version_edit"),
    path("gestion/v<int:number>/<str:to>/", views.transition, name="transition"),
    path("gestion/articles/<int:pk>/", views.article_edit, name="article_edit"),
    path("amendements/<int:pk>/", views.amendment_detail, name="amendment"),
    path("v<int:number>/", views.version_detail, name="version"),
    path("v<int:number>/pdf/", views.version_pdf, name="pdf"),
    path("v<int:number>/signer/", views.sign, name="sign"),
    path("v<int:number>/articles/<int:pk>/", views.article_discussion, name="article"),
]
