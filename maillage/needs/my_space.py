"""« Mon espace » → « Mes besoins sociaux »: the needs the person reported or supports on the territory."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

from maillage.core.models import Territory
from maillage.core.registry import MySpaceItem, MySpaceProvider, MySpaceSection
from maillage.needs.models import Need


def needs_section(user: Any, territory: Territory) -> MySpaceSection:
    needs = (
        Need.objects.for_user(user, territory)
        .filter(Q(reporter=user) | Q(supports__user=user, supports__confirmed=True))
        .distinct()
        .order_by("-updated_at", "-pk")
    )
    return MySpaceSection(
        title="Mes besoins sociaux",
        items=[
            MySpaceItem(
                label=n.title,
                url=reverse("needs:detail", args=[n.pk]),
                detail=("signalé par vous" if n.reporter_id == user.pk else "soutenu")
                + f" — {n.get_status_display()}",
            )
            for n in needs
        ],
        empty="Vous n'avez signalé ni soutenu aucun besoin social.",
        link_url=reverse("needs:list"),
        link_label="Voir les besoins sociaux du territoire",
    )


PROVIDER = MySpaceProvider(key="needs", build=needs_section, order=65)
