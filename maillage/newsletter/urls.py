from django.urls import path

from maillage.newsletter import views

app_name = "newsletter"
urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("confirmer/<str:token>/", views.ConfirmSubscriptionView.as_view(), name="confirm"),
    path("desabonnement/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    path("numeros/", views.archive, name="archive"),
    path("numeros/rss.xml", views.IssueFeed(), name="feed"),
    path("numeros/<int:number>/", views.issue_detail, name="issue"),
    path("gestion/", views.manage, name="manage"),
    path("gestion/abonnes/", views.subscriber_list, name="subscribers"),
    path("gestion/nouveau/", views.issue_create, name="issue_create"),
    path("gestion/<int:pk>/", views.issue_edit, name="issue_edit"),
    path("gestion/<int:pk>/apercu/", views.issue_preview, name="issue_preview"),
    path("gestion/<int:pk>/essai/", views.issue_test_send, name="issue_test_send"),
    path("gestion/<int:pk>/envoyer/", views.issue_send, name="issue_send"),
    path("gestion/<int:pk>/envoi/", views.issue_status, name="issue_status"),
]
