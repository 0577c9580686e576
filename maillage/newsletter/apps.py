from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "maillage.newsletter"
    label = "newsletter"
    verbose_name = _("Lettre d'information")

    def ready(self) -> None:
        from maillage.newsletter import module

        module.register()
