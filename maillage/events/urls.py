from django.urls import path

from maillage.events import views

app_name = "events"
urlpatterns = [
    path("", views.agenda, name="list"),
    path("mois/", views.month, name="month"),
    path("carte.json", views.markers, name="markers"),
    path("agenda.ics", views.feed, name="feed"),
    path("programme/", views.programme, name="programme"),
    path("programme.pdf", views.programme_pdf, name="programme_pdf"),
    path("nouveau/", views.create, name="create"),
    path("nouvelle-serie/", views.series_create, name="series_create"),
    path("campagnes/<slug:slug>/", views.campaign, name="campaign"),
    path("campagnes/<slug:slug>/proposer/", views.propose, name="propose"),
    path("inscription/confirmer/<str:token>/", views.ConfirmRegistrationView.as_view(), name="confirm"),
    path("inscription/annuler/<str:token>/", views.CancelRegistrationLinkView.as_view(), name="cancel_link"),
    path("emargement/<str:token>/", views.checkin, name="checkin"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/agenda.ics", views.event_ics, name="event_ics"),
    path("<slug:slug>/inscription/", views.register, name="register"),
    path("<slug:slug>/desinscription/", views.unregister, name="unregister"),
    path("<slug:slug>/modifier/", views.edit, name="edit"),
    path("<slug:slug>/modifier-la-date/", views.occurrence_edit, name="occurrence_edit"),
    path("<slug:slug>/statut/", views.change_status, name="status"),
    path("<slug:slug>/gestion/", views.manage, name="manage"),
    path("<slug:slug>/inscrits/", views.export, name="export"),
    path("<slug:slug>/emargement.pdf", views.signin_sheet, name="signin_sheet"),
    path("<slug:slug>/attestation/<int:registration_id>.pdf", views.attestation, name="attestation"),
    path("<slug:slug>/message/", views.message, name="message"),
    path("<slug:slug>/compte-rendu/", views.report, name="report"),
    path("<slug:slug>/valider/", views.campaign_validate, name="campaign_validate"),
]
