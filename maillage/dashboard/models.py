"""The territory's figures, computed by `services.refresh_figures` and kept until the next run.

One snapshot per territory and year (`year = 0`: every year up to today). `data` holds the sections as
drawn by the pages (title, headers, rows, the method); `computed_at` is the date shown beside them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.models import Territory
from maillage.dashboard.querysets import SnapshotQuerySet


class FigureSnapshot(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("année"), default=0)  # 0: every year up to today
    data = models.JSONField(_("chiffres"), default=dict)
    computed_at = models.DateTimeField(_("calculés le"))

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("chiffres du territoire")
        verbose_name_plural = _("chiffres du territoire")
        constraints = [
            models.UniqueConstraint(fields=["territory", "year"], name="dashboard_snapshot_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.territory} — {self.year or 'toutes années'}"


class OpenDataFile(models.Model):
    """A bulk download of a dataset, regenerated nightly (`services.build_open_data`); the file is in the
    default storage at `path`."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    dataset = models.CharField(_("jeu de données"), max_length=40)
    fmt = models.CharField(_("format"), max_length=10)
    path = models.CharField(_("fichier"), max_length=300)
    rows = models.PositiveIntegerField(_("lignes"), default=0)
    size = models.PositiveBigIntegerField(_("taille"), default=0)
    generated_at = models.DateTimeField(_("généré le"))

    class Meta:
        verbose_name = _("fichier de données ouvertes")
        verbose_name_plural = _("fichiers de données ouvertes")
        constraints = [
            models.UniqueConstraint(fields=["territory", "dataset", "fmt"], name="dashboard_opendata_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.territory} — {self.dataset}.{self.fmt}"
