"""`maillage import` — import structures into a territory's directory, with a progress bar.

    maillage import table FICHIER --territoire pays-de-grasse --source bdis --colonne name=Nom \\
        --colonne siret=SIRET [--valider]
    maillage import sirene StockEtablissement.zip StockUniteLegale.zip --territoire pays-de-grasse [--valider]

Without `--valider` it is a dry run: the report says what would be created, updated, proposed for merging or
rejected (with line numbers), and nothing is written. With `--valider`, rows are written per chunk (a re-run
resumes: rows already imported come out unchanged). A damaged file stops with a French message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from maillage.actors import importers, services, sirene
from maillage.actors.models import ImportMapping
from maillage.core.actors import system
from maillage.core.models import Territory


class Command(BaseCommand):
    help = "Importe des structures (tableau CSV/XLSX/ODS ou fichiers stock Sirene) ; essai sans --valider."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=["table", "sirene"])
        parser.add_argument("files", nargs="+")
        parser.add_argument("--territoire", required=True)
        parser.add_argument("--source", default="")
        parser.add_argument("--colonne", action="append", default=[], help="champ=En-tête de colonne")
        parser.add_argument("--valider", action="store_true", help="écrire pour de bon (sinon : essai)")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(stderr=True)
        territory = Territory.objects.filter(slug=options["territoire"]).first()
        if territory is None:
            raise CommandError(f"Territoire inconnu : {options['territoire']}")
        files = [Path(f) for f in options["files"]]
        for path in files:
            if not path.exists():
                raise CommandError(f"Fichier introuvable : {path}")
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,} lignes"),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            try:
                if options["kind"] == "sirene":
                    if len(files) != 2:
                        raise CommandError(
                            "Donnez le fichier des établissements puis celui des unités légales."
                        )
                    source = options["source"] or "sirene"
                    tasks: dict[str, Any] = {}

                    def advance(label: str, n: int) -> None:
                        if label not in tasks:
                            tasks[label] = progress.add_task(f"Lecture des {label}", total=None)
                        progress.update(tasks[label], completed=n)

                    communes = set(territory.communes.values_list("insee_code", flat=True))
                    rows = sirene.sirene_rows(files[0], files[1], communes, progress=advance)
                else:
                    source = options["source"] or files[0].stem
                    mapping = self._mapping(territory, source, options["colonne"])
                    headers, data = importers.read_table(files[0].read_bytes(), files[0].name)
                    rows = list(importers.mapped_rows(headers, data, mapping))
                task = progress.add_task("Import", total=len(rows))
                report = services.import_rows(
                    actor=system("import Sirene" if options["kind"] == "sirene" else "import de tableau"),
                    territory=territory,
                    rows=rows,
                    source=source,
                    commit=options["valider"],
                    progress=lambda n: progress.update(task, completed=n),
                )
                progress.update(task, completed=len(rows))
            except (importers.ImportFileError, sirene.SireneFileError) as exc:
                raise CommandError(str(exc)) from exc
        counts = report.as_dict()["counts"]
        verb = "Importé" if report.committed else "Essai (rien n'est écrit)"
        self.stdout.write(
            f"{verb} : {counts['created']} créées, {counts['updated']} mises à jour, {counts['unchanged']} "
            f"inchangées, {counts['merges']} fusions proposées, {counts['rejected']} rejetées."
        )
        for line, message in report.rejected[:50]:
            self.stdout.write(f"  ligne {line} : {message}")

    def _mapping(self, territory: Territory, source: str, pairs: list[str]) -> dict[str, str]:
        mapping = {}
        for pair in pairs:
            field, sep, column = pair.partition("=")
            if not sep:
                raise CommandError(f"--colonne attend champ=En-tête, pas « {pair} ».")
            mapping[field.strip()] = column.strip()
        saved = ImportMapping.objects.filter(territory=territory, name=source).first()
        if not mapping and saved is not None:
            return dict(saved.mapping)
        if not mapping:
            raise CommandError("Donnez la correspondance des colonnes (--colonne name=Nom …).")
        services.save_import_mapping(
            actor=system("import de tableau"), territory=territory, name=source, mapping=mapping
        )
        return mapping
