from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "maillage.calls"
    label = "calls"
    verbose_name = _("Appels à projets")

    def ready(self) -> None:
        from maillage.calls import module, permissions  # noqa: F401

        module.register()
