from django.urls import path

from maillage.actors import views

app_name = "actors"
urlpatterns = [
    path("", views.structure_list, name="list"),
    path("<slug:slug>/", views.structure_detail, name="detail"),
]
