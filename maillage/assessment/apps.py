from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "maillage.assessment"
    label = "assessment"
    verbose_name = _("Utilité sociale")

    def ready(self) -> None:
        # `permissions` adds the app's rules (django-rules autodiscovers only modules named `rules`).
        from maillage.assessment import module, permissions  # noqa: F401

        module.register()
