from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "maillage.training"
    label = "training"
    verbose_name = _("Formations et accompagnement")

    def ready(self) -> None:
        from maillage.training import module, permissions  # noqa: F401

        module.register()
