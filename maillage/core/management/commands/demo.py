"""`maillage demo`: load the demo territory (Pays de Grasse), a second small territory and every module's
demo data. Re-running it is safe: loaders create what is missing and update what exists."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from rich.console import Console

from maillage.core.demo import demo_today
from maillage.core.registry import registry


class Command(BaseCommand):
    help = "Charge le territoire de démonstration (Pays de Grasse) et les données de chaque module."

    def handle(self, *args, **options) -> None:
        console = Console(soft_wrap=True)
        today = demo_today()
        context: dict = {"today": today, "logins": []}
        for loader in registry.ordered_demo_loaders():
            with console.status(f"Démo : {loader.key}…"):
                loader.load(today=today, context=context)
            console.print(f"[green]✓[/green] {loader.key}")
        console.print(f"\nDémo chargée (aujourd'hui de démonstration : {today:%d/%m/%Y}).")
        if context["logins"]:
            console.print(
                "\n[bold]Comptes de démonstration[/bold] (mot de passe commun : [bold]maillage-demo[/bold])"
            )
            for line in context["logins"]:
                console.print(f"  • {line}")
