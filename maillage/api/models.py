"""API keys: issued by a territory's animation to a partner who reads the API more than the anonymous limit
allows.

Only the SHA-256 of a key is stored (`key_hash`): the clear key is shown once, when it is issued, and can
never be read again (a lost key is revoked and another issued). A key is long and random (256 bits), so a
fast hash is enough: nobody can guess a key from its hash. `prefix` — the key's first characters — is shown
in the list so that the animation and the partner can tell keys apart.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.api.querysets import ApiKeyQuerySet
from maillage.core.models import Territory

DEFAULT_HOURLY_LIMIT = 6000


class ApiKey(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(_("début de la clé"), max_length=16)
    key_hash = models.CharField(_("empreinte SHA-256 de la clé"), max_length=64, unique=True)
    holder_name = models.CharField(_("titulaire"), max_length=120)
    holder_email = models.EmailField(_("adresse du titulaire"), max_length=254)
    purpose = models.TextField(_("usage prévu"), max_length=1000)
    hourly_limit = models.PositiveIntegerField(_("requêtes par heure"), default=DEFAULT_HOURLY_LIMIT)
    created_at = models.DateTimeField(_("créée le"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(_("dernier usage"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("clé d'API")
        verbose_name_plural = _("clés d'API")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["territory", "-created_at"], name="api_key_territory_created")]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.holder_name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
