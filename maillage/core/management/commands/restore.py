"""`maillage restore DOSSIER --oui`: put a backup back (database and files), then prove the restored
installation equals the backup (row counts and digests per table, files by digest). Stop the service first."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.core import backup


class Command(BaseCommand):
    help = "Restaure une sauvegarde de `maillage backup` (remplace toute la base) et la vérifie."

    def add_arguments(self, parser) -> None:
        parser.add_argument("dossier", help="le dossier maillage-sauvegarde-… à restaurer")
        parser.add_argument(
            "--oui", action="store_true", help="confirme le remplacement de toute la base de données"
        )

    def handle(self, *args, **options) -> None:
        folder = Path(options["dossier"])
        try:
            manifest = backup.read_manifest(folder)
            if not options["oui"]:
                day = manifest["created"][:10]
                raise CommandError(
                    f"La restauration remplace toute la base par la sauvegarde du {day}. "
                    "Arrêtez le service, puis relancez avec --oui."
                )
            differences = backup.restore(folder)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if differences:
            for line in differences:
                self.stderr.write(line)
            raise CommandError(
                f"Restauration incomplète : {len(differences)} différence(s) avec la sauvegarde."
            )
        files = sum(len(f) for f in manifest["files"].values())
        self.stdout.write(
            f"Restauration vérifiée : {len(manifest['tables'])} tables et {files} fichiers identiques "
            "à la sauvegarde."
        )
