from django.urls import path

from maillage.accounts import views

app_name = "accounts"
urlpatterns = [
    path("mon-espace/", views.my_space, name="my_space"),
    path("mon-espace/mon-nom/", views.edit_name, name="edit_name"),
    path("mon-espace/mes-donnees/", views.export_data, name="export_data"),
    path("mon-espace/supprimer-mon-compte/", views.erase_account, name="erase_account"),
    path("equipe/", views.team, name="team"),
    path("equipe/<int:pk>/retirer/", views.team_revoke, name="team_revoke"),
]
