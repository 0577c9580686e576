"""Helpers of the needs tests: needs are made through the services, like any other."""

from __future__ import annotations

from maillage.core.actors import system
from maillage.needs import services
from maillage.needs.models import NeedCategory
from maillage.workspace.services import add_member, create_atelier
from tests.factories import CommuneFactory

SYS = system("tests")


def category(territory, slug="mobilite"):
    services.ensure_categories(actor=SYS, territory=territory)
    return NeedCategory.objects.get(territory=territory, slug=slug)


def commune(territory, code="06084", name="Mouans-Sartoux"):
    found = territory.communes.filter(insee_code=code).first()
    if found is None:
        found = CommuneFactory(insee_code=code, name=name, latitude=43.62, longitude=6.97)
        territory.communes.add(found)
    return found


def need(territory, *, actor=SYS, title="Pas de bus le dimanche", slug="mobilite", communes=None, **extra):
    return services.report_need(
        actor=actor,
        territory=territory,
        title=title,
        description=extra.pop("description", "Les familles ne peuvent pas aller à l'hôpital le dimanche."),
        category=category(territory, slug),
        communes=communes if communes is not None else list(territory.communes.all()[:1]),
        **extra,
    )


def needs_atelier(
    territory, *, slug="besoins-sociaux", name="Besoins sociaux non ou insuffisamment satisfaits"
):
    """The territory's atelier (made through the workspace's services), named as the needs atelier."""
    atelier = create_atelier(actor=SYS, territory=territory, name=name, slug=slug)
    services.set_needs_atelier(actor=SYS, territory=territory, slug=atelier.slug)
    return atelier


def join(atelier, user):
    return add_member(actor=SYS, atelier=atelier, user=user)
