from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "maillage.dashboard"
    label = "dashboard"
    verbose_name = _("Tableau de bord")

    def ready(self) -> None:
        from maillage.dashboard import module, permissions  # noqa: F401

        module.register()
