"""« Mon espace » → « Mes ateliers »: the ateliers the person belongs to or asked to join."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from maillage.core.models import Territory
from maillage.core.registry import MySpaceItem, MySpaceProvider, MySpaceSection
from maillage.workspace.models import AtelierMember

SHOWN_STATUSES = (AtelierMember.Status.ACTIVE, AtelierMember.Status.PENDING)


def _detail(member: AtelierMember) -> str:
    if member.status == AtelierMember.Status.PENDING:
        return member.get_status_display()
    return member.get_role_display()


def ateliers_section(user: Any, territory: Territory) -> MySpaceSection:
    memberships = (
        AtelierMember.objects.filter(
            user=user, atelier__territory=territory, atelier__is_archived=False, status__in=SHOWN_STATUSES
        )
        .select_related("atelier")
        .order_by("atelier__name")
    )
    return MySpaceSection(
        title="Mes ateliers",
        items=[
            MySpaceItem(
                label=m.atelier.name,
                url=reverse("workspace:atelier", args=[m.atelier.slug]),
                detail=_detail(m),
            )
            for m in memberships
        ],
        empty="Vous ne participez à aucun atelier.",
        link_url=reverse("workspace:list"),
        link_label="Voir les ateliers",
    )


PROVIDER = MySpaceProvider(key="workspace", build=ateliers_section, order=20)
