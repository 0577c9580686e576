from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "maillage.events"
    label = "events"
    verbose_name = _("Agenda")

    def ready(self) -> None:
        from maillage.events import module

        module.register()
