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
