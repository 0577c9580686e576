"""« Mon espace » → « Mes signatures de la charte »: signed by the person, or by a structure they manage."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

from maillage.actors.models import Membership
from maillage.charter.models import Signature
from maillage.core.models import Territory
from maillage.core.registry import MySpaceItem, MySpaceProvider, MySpaceSection
from maillage.core.text import long_date


def signatures_section(user: Any, territory: Territory) -> MySpaceSection:
    managed = Q(structure__memberships__user=user, structure__memberships__role=Membership.Role.MANAGER)
    signatures = (
        Signature.objects.of_territory(territory)
        .active()
        .filter(Q(signed_by=user) | managed)
        .select_related("structure", "version")
        .distinct()
        .order_by("-signed_on", "-pk")
    )
    return MySpaceSection(
        title="Mes signatures de la charte",
        items=[
            MySpaceItem(
                label=f"{s.structure.name} — version {s.version.number}",
                url=reverse("charter:structure", args=[s.structure.slug]),
                detail=f"signée le {long_date(s.signed_on)}",
            )
            for s in signatures
        ],
        empty="Aucune de vos structures n'a signé la charte.",
        link_url=reverse("charter:home"),
        link_label="Lire la charte",
    )


PROVIDER = MySpaceProvider(key="charter", build=signatures_section, order=30)
