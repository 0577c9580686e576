"""Objects the registry's example-URL builders need (a reported need, a second one to merge, a pending
citizen report with its confirmation token), made through the services. Idempotent within a test database."""

from __future__ import annotations

from typing import Any

from maillage.core.actors import system
from maillage.core.registry import ExampleContext
from maillage.core.tokens import make_token
from maillage.needs import services
from maillage.needs.models import Need, NeedCategory, NeedStatus, Support
from maillage.needs.services.reporting import confirmation_token
from maillage.needs.services.supports import SUPPORT_PURPOSE

EXAMPLES = system("exemples du registre")


def _category(territory: Any) -> NeedCategory:
    services.ensure_categories(actor=EXAMPLES, territory=territory)
    return NeedCategory.objects.get(territory=territory, slug="mobilite")


def _need(territory: Any, title: str) -> Need:
    need = Need.objects.filter(territory=territory, title=title).first()
    if need is None:
        need = services.report_need(
            actor=EXAMPLES,
            territory=territory,
            title=title,
            description="Pas de bus le dimanche entre les hameaux et le centre.",
            category=_category(territory),
            communes=list(territory.communes.all()[:1]),
            latitude=None if territory.communes.exists() else 43.65,
            longitude=None if territory.communes.exists() else 6.92,
        )
    return need


def example_needs(ctx: ExampleContext) -> dict[str, Any]:
    territory = ctx.territory
    need = _need(territory, "Transport du dimanche vers l'hôpital")
    other = _need(territory, "Navette du dimanche")
    pending = Need.objects.filter(territory=territory, status=NeedStatus.UNCONFIRMED).first()
    if pending is None:
        services.request_need(
            actor=system("formulaire public"),
            territory=territory,
            email="habitante@example.test",
            title="Garde d'enfants en horaires décalés",
            description="Aucune solution avant 7 h.",
            category=_category(territory),
            latitude=43.65,
            longitude=6.92,
        )
        pending = Need.objects.get(territory=territory, status=NeedStatus.UNCONFIRMED)
    support = Support.objects.filter(need=need, confirmed=False).first()
    if support is None:
        services.request_support(actor=system("formulaire public"), need=need, email="voisin@example.test")
        support = Support.objects.get(need=need, confirmed=False)
    return {
        "need": need,
        "other": other,
        "confirm_token": confirmation_token(pending),
        "support_token": make_token(SUPPORT_PURPOSE, {"t": territory.pk, "s": support.pk}, single_use=True),
    }
