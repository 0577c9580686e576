from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "maillage.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from maillage.api import module

        module.register()
