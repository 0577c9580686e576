from django.urls import path

from maillage.workspace import views

app_name = "workspace"
urlpatterns = [
    path("", views.atelier_list, name="list"),
    path("nouveau/", views.atelier_create, name="create"),
    path("echanges/", views.exchanges, name="exchanges"),
    path("echanges/nouveau/", views.exchange_create, name="exchange_create"),
    path("discussions/<int:pk>/", views.thread_detail, name="thread"),
    path("messages/<int:pk>/modifier/", views.post_edit, name="post_edit"),
    path("messages/<int:pk>/historique/", views.post_history, name="post_history"),
    path("messages/<int:pk>/signaler/", views.post_report, name="post_report"),
    path("messages/<int:pk>/moderer/", views.post_moderate, name="post_moderate"),
    path("signalements/", views.reports, name="reports"),
    path("signalements/<int:pk>/classer/", views.report_dismiss, name="report_dismiss"),
    path("veille/", views.news, name="news"),
    path("veille/proposer/", views.news_create, name="news_create"),
    path("veille/<int:pk>/retenir/", views.news_pick, name="news_pick"),
    path("veille/flux/", views.news_feeds, name="feeds"),
    path("veille/flux/<int:pk>/lire/", views.news_feed_import, name="feed_import"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/versions/<int:pk>/telecharger/", views.document_download, name="document_download"),
    path("reunions/<int:pk>/compte-rendu/", views.meeting_minutes, name="meeting_minutes"),
    path("<slug:slug>/", views.atelier_detail, name="atelier"),
    path("<slug:slug>/adhesion/", views.atelier_join, name="join"),
    path("<slug:slug>/membres/", views.atelier_members, name="members"),
    path("<slug:slug>/membres/<int:pk>/", views.member_decide, name="member_decide"),
    path("<slug:slug>/reunions/", views.meetings, name="meetings"),
    path("<slug:slug>/documents/", views.documents, name="documents"),
    path("<slug:slug>/nouvelle-discussion/", views.thread_create, name="thread_create"),
]
