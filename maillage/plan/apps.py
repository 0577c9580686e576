from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "maillage.plan"
    label = "plan"
    verbose_name = _("Plan d'actions")

    def ready(self) -> None:
        from maillage.plan import module, permissions  # noqa: F401 (registers the rules)

        module.register()
