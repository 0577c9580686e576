from django.urls import path

from maillage.accounts import views

app_name = "accounts"
urlpatterns = [
    path("mon-espace/", views.my_space, name="my_space"),
]
