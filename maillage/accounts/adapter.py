"""django-allauth adapter: links in mails are built from the territory, never from the Host header."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def build_absolute_uri(self, request: HttpRequest | None, location: str, protocol: str | None = None) -> str:
        territory = getattr(request, "territory", None) if request is not None else None
        if territory is None:
            from maillage.core.models import Territory

            territory = Territory.objects.filter(slug=settings.MAILLAGE_DEFAULT_TERRITORY).first() or (
                Territory.objects.order_by("pk").first()
            )
        if territory is None:
            return super().build_absolute_uri(request, location, protocol)
        return territory.absolute_url(location)
