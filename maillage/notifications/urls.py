from django.urls import path
from django.views.generic import RedirectView

from maillage.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("reglages/", views.notification_preferences, name="preferences"),
    path("arret/<str:token>/", views.notifications_off, name="off"),
]

# Where these pages lived under the workspace (/ateliers/notifications/…), mounted before the workspace's
# URLs in config/urls.py: the pages redirect for good; the unsubscribe link of mails already sent is served
# as is, since a mail client's one-click POST must not meet a redirect.
legacy_urlpatterns = [
    path("", RedirectView.as_view(pattern_name="notifications:list", permanent=True, query_string=True)),
    path("reglages/", RedirectView.as_view(pattern_name="notifications:preferences", permanent=True)),
    path("arret/<str:token>/", views.notifications_off, name="off"),
]
