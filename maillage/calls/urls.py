from django.urls import path

from maillage.calls import views

app_name = "calls"
urlpatterns = [
    path("", views.home, name="home"),
    path("laureats/", views.laureates, name="laureates"),
    path("subventions-scdl.csv", views.scdl, name="scdl"),
    path("<int:year>/", views.call_detail, name="call"),
    path("<int:year>/cahier-des-charges/", views.specification, name="specification"),
    path("<int:year>/candidater/", views.apply, name="apply"),
    path("candidatures/<int:pk>/", views.application_detail, name="application"),
    path("candidatures/<int:pk>/deposer/", views.submit, name="submit"),
    path("candidatures/<int:pk>/recepisse.pdf", views.receipt, name="receipt"),
    path("candidatures/<int:pk>/pieces/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("jury/invitation/<str:token>/", views.invitation, name="invitation"),
    path("jury/<int:year>/", views.jury_home, name="jury"),
    path("jury/candidatures/<int:pk>/", views.score, name="score"),
    path("gestion/", views.manage, name="manage"),
    path("gestion/<int:year>/", views.call_edit, name="call_edit"),
    path("gestion/<int:year>/criteres/", views.criteria, name="criteria"),
    path("gestion/<int:year>/cahier-des-charges/", views.spec_edit, name="spec_edit"),
    path("gestion/<int:year>/candidatures/", views.review_list, name="review_list"),
    path("gestion/candidatures/<int:pk>/", views.review, name="review"),
    path("gestion/<int:year>/jury/", views.jury_manage, name="jury_manage"),
    path("gestion/<int:year>/classement/", views.ranking, name="ranking"),
    path("gestion/<int:year>/deliberation/", views.deliberation, name="deliberation"),
    path("gestion/<int:year>/subventions/", views.grants, name="grants"),
    path("gestion/subventions/<int:pk>/", views.grant_detail, name="grant"),
]
