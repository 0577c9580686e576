from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CharterConfig(AppConfig):
    name = "maillage.charter"
    label = "charter"
    verbose_name = _("Charte")

    def ready(self) -> None:
        # `permissions` adds the charter's rules (django-rules autodiscovers only modules named `rules`).
        from maillage.charter import module, permissions  # noqa: F401

        module.register()
