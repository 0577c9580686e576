from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CharterConfig(AppConfig):
    name = "maillage.charter"
    label = "charter"
    verbose_name = _("Charte")

    def ready(self) -> None:
        from maillage.charter import module

        module.register()
