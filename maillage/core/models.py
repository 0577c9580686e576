"""Territories and communes: the shared ground every app stands on."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from maillage.core.querysets import CommuneQuerySet, PersonalDataAccessQuerySet, TerritoryQuerySet

hex_color = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Une couleur au format #RRGGBB."))


def validate_domain(value: str) -> None:
    if not value or "/" in value or " " in value or value != value.lower():
        raise ValidationError(
            _("« %(value)s » n'est pas un nom de domaine valide (minuscules, sans schéma ni chemin)."),
            params={"value": value},
        )


class Territory(models.Model):
    """A territory running a CLDESS. One instance may host several (a Region runs several contracts)."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), unique=True)
    contract_name = models.CharField(_("nom du contrat"), max_length=250, blank=True)
    tagline = models.CharField(_("accroche"), max_length=300, blank=True)
    canonical_url = models.URLField(
        _("adresse canonique"),
        help_text=_(
            "Adresse publique du site (ex. https://ess.paysdegrasse.fr) : tous les liens absolus, "
            "y compris dans les courriels, en sont construits."
        ),
    )
    contact_email = models.EmailField(_("adresse de contact"), blank=True)
    contact_phone = models.CharField(_("téléphone de contact"), max_length=40, blank=True)
    contact_address = models.TextField(_("adresse postale"), blank=True)
    accent_color = models.CharField(
        _("couleur d'accent"), max_length=7, default="#1f5f8b", validators=[hex_color]
    )
    moderate_manager_edits = models.BooleanField(
        _("modérer les modifications des gestionnaires"),
        default=False,
        help_text=_(
            "Si coché, les modifications d'une fiche par ses gestionnaires attendent la validation "
            "de l'animateur avant publication."
        ),
    )
    settings = models.JSONField(_("réglages"), default=dict, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = TerritoryQuerySet.as_manager()

    # Set by the services before save()/delete(): django-simple-history records who did it.
    _history_user: Any

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from maillage.core.colors import contrast_ratio

        if self.accent_color and contrast_ratio(self.accent_color, "#ffffff") < 4.5:
            raise ValidationError(
                {"accent_color": _("Cette couleur n'a pas un contraste suffisant (4,5:1) avec le blanc.")}
            )

    def absolute_url(self, path: str) -> str:
        """An absolute URL on this territory's canonical address, never on the request's Host."""
        base = self.canonical_url.rstrip("/") + "/"
        scheme = urlsplit(path.strip()).scheme.lower()
        if scheme and scheme not in {"http", "https"}:
            return base  # « javascript: », « data: »…: never a link in a mail; the home page instead
        return urljoin(base, path.lstrip("/"))

    @property
    def canonical_host(self) -> str:
        return urlsplit(self.canonical_url).hostname or ""


class Domain(models.Model):
    """A host name a territory answers on. ALLOWED_HOSTS is the set of these."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="domains")
    name = models.CharField(_("domaine"), max_length=253, unique=True, validators=[validate_domain])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("domaine")
        verbose_name_plural = _("domaines")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    insee_code = models.CharField(_("code INSEE"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=150)
    postal_codes = models.JSONField(_("codes postaux"), default=list)
    population = models.PositiveIntegerField(_("population municipale"), null=True, blank=True)
    latitude = models.FloatField(_("latitude du centroïde"))
    longitude = models.FloatField(_("longitude du centroïde"))
    town_hall_latitude = models.FloatField(null=True, blank=True)
    town_hall_longitude = models.FloatField(null=True, blank=True)
    territories = models.ManyToManyField(Territory, related_name="communes", blank=True)
    flags = models.JSONField(
        _("marqueurs"), default=dict, blank=True, help_text=_('Ex. {"ex_pole_azur_provence": true}.')
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def centroid(self) -> tuple[float, float]:
        return (self.latitude, self.longitude)


class ScheduledJob(models.Model):
    """State of one periodic job, claimed under a database lock so two schedulers never run it twice."""

    name = models.CharField(max_length=200, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    last_task_id = models.CharField(max_length=64, blank=True)
    run_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tâche périodique")
        verbose_name_plural = _("tâches périodiques")

    def __str__(self) -> str:
        return self.name


class UsedToken(models.Model):
    """A single-use signed token that has been spent (so a second POST gets a clear message)."""

    purpose = models.CharField(max_length=100)
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["purpose", "digest"], name="core_usedtoken_unique")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.digest[:12]}…"


class PersonalDataAccess(models.Model):
    """The log of every export of personal data: who, what, when (RGPD)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    territory = models.ForeignKey(
        Territory, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    what = models.CharField(_("objet"), max_length=300)
    row_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonalDataAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("export de données personnelles")
        verbose_name_plural = _("exports de données personnelles")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.what}"


from maillage.core.search_models import SearchDocument  # noqa: E402,F401  (search index table)
