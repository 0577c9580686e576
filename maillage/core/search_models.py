"""The search index's table (see maillage.core.search for the design)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """One searchable object of one territory, in normalised form.

    Rows are written only by `maillage.core.search.index_document()` / `remove_document()`. The full-text
    index over `search_text` is engine-specific and created in the migration: an FTS5 table kept in sync by
    triggers on SQLite, GIN indexes (tsvector `simple` + pg_trgm) on PostgreSQL.
    """

    territory = models.ForeignKey("core.Territory", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("type"), max_length=50)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(_("titre"), max_length=300)
    search_text = models.TextField()
    facets = models.JSONField(default=dict, blank=True)
    is_public = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("document de recherche")
        verbose_name_plural = _("documents de recherche")
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "kind", "object_id"], name="core_searchdocument_unique"
            )
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="core_searchdoc_kind_obj")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.title}"
