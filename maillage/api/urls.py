from django.urls import path

from maillage.api import views

app_name = "api_pages"
urlpatterns = [path("", views.reference, name="reference")]
