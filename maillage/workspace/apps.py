from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "maillage.workspace"
    label = "workspace"
    verbose_name = _("Ateliers et veille")

    def ready(self) -> None:
        from maillage.workspace import module

        module.register()
