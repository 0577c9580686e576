"""`maillage backup [--dossier DIR]`: the database and every stored file in one folder, with a manifest of
row counts and digests (maillage/core/backup.py). Safe while the site runs."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from maillage.core import backup


class Command(BaseCommand):
    help = "Sauvegarde la base de données et les fichiers déposés dans un dossier daté (avec un manifeste)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dossier",
            default="",
            help="où écrire la sauvegarde (par défaut : var/sauvegardes, ou MAILLAGE_VAR_DIR/sauvegardes)",
        )

    def handle(self, *args, **options) -> None:
        destination = Path(options["dossier"] or settings.MAILLAGE_BACKUP_DIR)
        try:
            folder = backup.backup(destination)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = backup.read_manifest(folder)
        rows = sum(t["rows"] for t in manifest["tables"].values())
        files = sum(len(f) for f in manifest["files"].values())
        self.stdout.write(
            f"Sauvegarde écrite dans {folder} : {len(manifest['tables'])} tables, {rows} lignes, "
            f"{files} fichiers ({manifest['engine']})."
        )
