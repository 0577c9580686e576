from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "maillage.awards"
    label = "awards"
    verbose_name = _("Trophée des initiatives responsables")

    def ready(self) -> None:
        from maillage.awards import module, permissions  # noqa: F401

        module.register()
