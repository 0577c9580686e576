from django.urls import path

from maillage.matchmaking import views
from maillage.matchmaking.views import exchanges

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
    path("<int:pk>/organisation/echanger/", views.swap, name="swap"),
    path("<int:pk>/organisation/epingles/<int:pin_pk>/retirer/", views.unpin, name="unpin"),
    path("<int:pk>/organisation/calculer/", views.run_request, name="run_request"),
    path("<int:pk>/organisation/calculs/<int:run_pk>/", views.run_status, name="run"),
    path("<int:pk>/organisation/plan-des-tables/", views.table_plan, name="plan"),
    path("<int:pk>/organisation/badges/", views.name_tags, name="tags"),
    path("vis-ma-vie/nouvelle/", exchanges.campaign_create, name="campaign_create"),
    path("vis-ma-vie/<int:pk>/", exchanges.campaign_detail, name="campaign"),
    path("vis-ma-vie/<int:pk>/volontaire/", exchanges.volunteer, name="volunteer"),
    path("vis-ma-vie/<int:pk>/voeux/", exchanges.volunteer_wishes, name="volunteer_wishes"),
    path("vis-ma-vie/<int:pk>/organisation/", exchanges.campaign_manage, name="campaign_manage"),
    path("vis-ma-vie/<int:pk>/organisation/binomes/", exchanges.form_pairs, name="campaign_pairs"),
    path("vis-ma-vie/temoignages/<int:pk>/moderer/", exchanges.moderate, name="testimony_moderate"),
    path("vis-ma-vie/binomes/<int:pk>/", exchanges.exchange_detail, name="exchange"),
    path("vis-ma-vie/binomes/<int:pk>/confirmer/", exchanges.exchange_confirm, name="exchange_confirm"),
    path("vis-ma-vie/binomes/<int:pk>/vis-ma-vie.ics", exchanges.exchange_ics, name="exchange_ics"),
    path("vis-ma-vie/binomes/<int:pk>/temoignage/", exchanges.testimony, name="testimony"),
]
