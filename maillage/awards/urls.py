from django.urls import path

from maillage.awards import views

app_name = "awards"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:year>/", views.edition, name="edition"),
    path("<int:year>/palmares/", views.winners, name="winners"),
    path("<int:year>/proposer/", views.nominate, name="nominate"),
    path("voter/<int:pk>/", views.vote, name="vote"),
    path("vote/<str:token>/", views.vote_confirm, name="vote_confirm"),
    path("proposition/<str:token>/", views.consent, name="consent"),
    path("jury/<int:year>/", views.jury_home, name="jury"),
    path("jury/candidatures/<int:pk>/", views.score, name="score"),
    path("gestion/", views.manage, name="manage"),
    path("gestion/<int:year>/", views.edition_manage, name="edition_manage"),
    path("gestion/<int:year>/resultats/", views.results, name="results"),
    path("gestion/<int:year>/votes/", views.votes_audit, name="votes"),
]
