"""Structures (the ESS actors, classic companies and public buyers) and who manages them.

A structure belongs to one territory (docs/adr/0002-structure-appartient-a-un-territoire.md). This module is
the minimal model of the foundation; the directory issue completes it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from maillage.core.models import Commune, Territory


class Structure(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("en attente de modération")
        PUBLISHED = "published", _("publiée")
        REFUSED = "refused", _("refusée")
        ARCHIVED = "archived", _("archivée")

    class Family(models.TextChoices):
        ASSOCIATION = "association", _("association")
        COOPERATIVE = "cooperative", _("coopérative")
        MUTUELLE = "mutuelle", _("mutuelle")
        FONDATION = "fondation", _("fondation")
        SOCIETE_ESS = "societe_ess", _("société commerciale de l'ESS")
        HORS_ESS = "hors_ess", _("hors ESS")

    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="structures")
    name = models.CharField(_("nom"), max_length=250)
    slug = models.SlugField(_("identifiant"), max_length=120)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True)
    family = models.CharField(
        _("famille de l'ESS"), max_length=20, choices=Family.choices, default=Family.ASSOCIATION
    )
    commune = models.ForeignKey(Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    description = models.TextField(_("présentation"), blank=True)
    public_email = models.EmailField(_("adresse de contact publique"), blank=True)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "slug"], name="actors_structure_slug_unique"),
            models.UniqueConstraint(
                fields=["territory", "siret"],
                condition=~models.Q(siret=""),
                name="actors_structure_siret_unique",
            ),
            models.UniqueConstraint(
                fields=["territory", "rna"], condition=~models.Q(rna=""), name="actors_structure_rna_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        MANAGER = "manager", _("gestionnaire")
        MEMBER = "member", _("membre")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        constraints = [models.UniqueConstraint(fields=["user", "structure"], name="actors_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.structure} ({self.get_role_display()})"
