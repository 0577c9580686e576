"""What procurement offers the rest of the house through the registry: metrics for the plan (territory-wide
purchase shares and social-clause hours), link targets (a need), the lettre's block (needs open to
answers), « Mon espace » (my needs, the needs my structures received) and the personal-data hook."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import escape

from maillage.core.models import Territory
from maillage.core.registry import ContentBlock, MySpaceItem, MySpaceSection
from maillage.core.text import long_date
from maillage.procurement.models import Award, Need, NeedStatus, Recipient
from maillage.procurement.selectors import ledger_figures, territory_ledger

# --- metrics ------------------------------------------------------------------------------------------


def _share(key: str) -> Any:
    def compute(territory: Territory, start: dt.date, end: dt.date) -> float:
        figures = ledger_figures(territory_ledger(territory, start, end))
        return next(share for label, _amount, share in figures["shares"] if label.startswith(key))

    return compute


def total_purchases(territory: Territory, start: dt.date, end: dt.date) -> float:
    return float(ledger_figures(territory_ledger(territory, start, end))["total"])


def clause_hours(territory: Territory, start: dt.date, end: dt.date) -> int:
    ledger = ledger_figures(territory_ledger(territory, start, end))["hours"]
    awarded = Award.objects.filter(
        need__territory=territory, contract_followed=True, notified_on__gte=start, notified_on__lte=end
    ).aggregate(h=Coalesce(Sum("clause_hours"), 0))["h"]
    return int(ledger) + int(awarded)


def needs_sent(territory: Territory, start: dt.date, end: dt.date) -> int:
    return (
        Need.objects.filter(territory=territory, transitions__to_state=NeedStatus.SENT)
        .filter(transitions__at__date__gte=start, transitions__at__date__lte=end)
        .distinct()
        .count()
    )


def contracts_awarded(territory: Territory, start: dt.date, end: dt.date) -> int:
    return Award.objects.filter(
        need__territory=territory, contract_followed=True, notified_on__gte=start, notified_on__lte=end
    ).count()


# --- link target --------------------------------------------------------------------------------------


def need_choices(territory: Territory) -> list[tuple[int, str]]:
    return [
        (n.pk, f"{n.title} ({n.get_status_display()})")
        for n in Need.objects.of_territory(territory).exclude(status=NeedStatus.DRAFT).order_by("-pk")[:200]
    ]


def need_url(need: Need) -> str:
    return reverse("procurement:need", args=[need.pk])


# --- the lettre's block -------------------------------------------------------------------------------


def open_needs_block(*, territory: Territory, since: Any, options: Any = None) -> ContentBlock | None:
    """Needs sent to suppliers and still open (titles only; buyers stay anonymous if they chose to)."""
    today = since.date() if hasattr(since, "date") else since
    needs = list(
        Need.objects.of_territory(territory)
        .filter(status=NeedStatus.SENT, deadline__gte=today)
        .order_by("deadline")[:5]
    )
    if not needs:
        return None
    items = [f"{n.title} — {n.buyer_label}, réponse avant le {long_date(n.deadline)}" for n in needs]
    html = "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"
    return ContentBlock(title="Besoins d'achat en cours", html=html, text="\n".join(f"- {i}" for i in items))


# --- « Mon espace » -----------------------------------------------------------------------------------


def my_space_section(user: Any, territory: Territory) -> MySpaceSection | None:
    mine = Q(buyer__memberships__user=user)
    needs = Need.objects.of_territory(territory).filter(mine).distinct().order_by("-pk")[:10]
    received = Recipient.objects.for_supplier(user, territory).order_by("-sent_at")[:10]
    items = [
        MySpaceItem(
            label=n.title, url=reverse("procurement:need", args=[n.pk]), detail=n.get_status_display()
        )
        for n in needs
    ] + [
        MySpaceItem(
            label=f"{r.need.title} (reçu par {r.structure.name})",
            url=reverse("procurement:answer", args=[r.pk]),
            detail=r.get_answer_display()
            if r.answer
            else f"à répondre avant le {long_date(r.need.deadline)}",
        )
        for r in received
    ]
    return MySpaceSection(
        title="Mes achats responsables",
        items=items,
        empty="Aucun besoin déposé ou reçu.",
        link_url=reverse("procurement:home"),
        link_label="Achats responsables",
    )
