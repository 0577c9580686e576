from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "maillage.matchmaking"
    label = "matchmaking"
    verbose_name = _("Rencontres ESS – entreprises")

    def ready(self) -> None:
        from maillage.matchmaking import module, permissions  # noqa: F401

        module.register()
