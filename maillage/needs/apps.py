from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "maillage.needs"
    label = "needs"
    verbose_name = _("Besoins sociaux")

    def ready(self) -> None:
        # `permissions` adds the needs' rules (django-rules autodiscovers only modules named `rules`).
        from maillage.needs import module, permissions  # noqa: F401

        module.register()
