from django.urls import path

from maillage.training.views import census, office_hours, sessions, support

app_name = "training"

urlpatterns = [
    path("", support.home, name="home"),
    path("recensements/<int:pk>/", census.census, name="census"),
    path("recensements/<int:pk>/repondre/", census.answer, name="answer"),
    path("gestion/", census.manage, name="manage"),
    path("gestion/recensements/<int:pk>/", census.edit, name="census_edit"),
    path("gestion/recensements/<int:pk>/resultats/", census.results, name="results"),
    path("gestion/themes/<int:pk>/session/", sessions.create, name="session_create"),
    path("gestion/conseillers/", support.advisers, name="advisers"),
    path("sessions/<int:pk>/", sessions.detail, name="session"),
    path("permanences/", office_hours.office_hours_list, name="office_hours_list"),
    path("permanences/publier/", office_hours.publish, name="publish"),
    path("permanences/<int:pk>/", office_hours.office_hours, name="office_hours"),
    path("permanences/creneaux/<int:pk>/reserver/", office_hours.book, name="book"),
    path("permanences/creneaux/<int:pk>/supprimer/", office_hours.slot_delete, name="slot_delete"),
    path("reservations/<int:pk>/", office_hours.booking, name="booking"),
    path("reservations/<int:pk>/rendez-vous.ics", office_hours.booking_ics, name="booking_ics"),
    path(
        "reservations/annuler/<str:token>/", office_hours.CancelBookingView.as_view(), name="booking_cancel"
    ),
    path("accompagnements/", support.support, name="support"),
    path("ressources/", support.resources, name="resources"),
    path("ressources/ajouter/", support.resource_add, name="resource_add"),
    path("ressources/<int:pk>/fichier/", support.resource_file, name="resource_file"),
]
