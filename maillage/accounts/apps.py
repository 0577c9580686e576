from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "maillage.accounts"
    label = "accounts"
    verbose_name = _("Comptes")

    def ready(self) -> None:
        from maillage.accounts import module, permissions  # noqa: F401 - permissions registers the rules

        module.register()
