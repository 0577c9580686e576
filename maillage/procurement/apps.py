from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "maillage.procurement"
    label = "procurement"
    verbose_name = _("Achats responsables")

    def ready(self) -> None:
        # `permissions` adds the app's rules (django-rules autodiscovers only modules named `rules`).
        from maillage.procurement import module, permissions  # noqa: F401

        module.register()
