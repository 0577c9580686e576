from django.urls import path

from maillage.matchmaking import views

app_name = "matchmaking"

urlpatterns = [
    path("", views.home, name="home"),
    path("nouveau/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/voeux/", views.wishes, name="wishes"),
    path("<int:pk>/disponibilites/", views.availability, name="availability"),
    path("<int:pk>/mon-planning/", views.agenda, name="agenda"),
    path("<int:pk>/mon-planning.ics", views.agenda_ics, name="agenda_ics"),
    path("<int:pk>/mon-planning.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("<int:pk>/suites/<int:slot_pk>/", views.follow_up, name="follow_up"),
    path("<int:pk>/direct/", views.live, name="live"),
    path("<int:pk>/direct/tour/", views.live_fragment, name="live_fragment"),
    path("<int:pk>/organisation/", views.manage, name="manage"),
    path("<int:pk>/organisation/rencontre-imposee/", views.must_meet, name="must_meet"),
    path("<int:pk>/organisation/epingler/", views.pin, name="pin"),
    path("<int:pk>/organisation/epingles/<int:pin_pk>/retirer/", views.unpin, name="unpin"),
    path("<int:pk>/organisation/calculer/", views.run_request, name="run_request"),
    path("<int:pk>/organisation/calculs/<int:run_pk>/", views.run_status, name="run"),
    path("<int:pk>/organisation/plan-des-tables/", views.table_plan, name="plan"),
    path("<int:pk>/organisation/badges/", views.name_tags, name="tags"),
]
