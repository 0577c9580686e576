from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "maillage.cooperation"
    label = "cooperation"
    verbose_name = _("Coopération entre territoires")

    def ready(self) -> None:
        # `permissions` adds the app's rules (django-rules autodiscovers only modules named `rules`).
        from maillage.cooperation import module, permissions  # noqa: F401

        module.register()
