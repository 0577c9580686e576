"""What the calls offer the house through the registry: metrics for the plan, link targets (a call, a
grant), the lettre's block (the open call), « Mon espace », the laureate badge, personal data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.urls import reverse
from django.utils.html import escape

from maillage.calls import selectors
from maillage.calls.models import Application, Call, Grant, Payment
from maillage.calls.services.common import euros
from maillage.core.models import Territory
from maillage.core.registry import ContentBlock, MySpaceItem, MySpaceSection

# --- metrics ------------------------------------------------------------------------------------------


def count_applications(territory: Territory, start: dt.date, end: dt.date) -> int:
    return (
        Application.objects.of_territory(territory)
        .filter(submitted_at__date__gte=start, submitted_at__date__lte=end)
        .count()
    )


def count_laureates(territory: Territory, start: dt.date, end: dt.date) -> int:
    return (
        Grant.objects.of_territory(territory)
        .exclude(status="cancelled")
        .filter(convention_on__gte=start, convention_on__lte=end)
        .count()
    )


def granted_amount(territory: Territory, start: dt.date, end: dt.date) -> float:
    total = (
        Grant.objects.of_territory(territory)
        .exclude(status="cancelled")
        .filter(convention_on__gte=start, convention_on__lte=end)
        .aggregate(s=Sum("amount"))["s"]
    )
    return float(total or 0)


def paid_amount(territory: Territory, start: dt.date, end: dt.date) -> float:
    total = Payment.objects.filter(
        grant__application__call__territory=territory, paid_on__gte=start, paid_on__lte=end
    ).aggregate(s=Sum("amount"))["s"]
    return float(total or 0)


# --- link targets ---------------------------------------------------------------------------------------


def call_choices(territory: Territory) -> list[tuple[int, str]]:
    return [
        (c.pk, f"Appel à projets {c.year} — {c.title}") for c in Call.objects.of_territory(territory).public()
    ]


def call_url(call: Any) -> str:
    call = call if isinstance(call, Call) else Call.objects.get(pk=call)
    return reverse("calls:call", args=[call.year])


def grant_choices(territory: Territory) -> list[tuple[int, str]]:
    return [
        (g.pk, f"Subvention {g.application.call.year} — {g.application.structure.name}")
        for g in selectors.laureates(territory)
    ]


def grant_url(grant: Any) -> str:
    return reverse("calls:laureates")


# --- the lettre's block -----------------------------------------------------------------------------------


def open_call_block(*, territory: Territory, since: dt.datetime, options: Any = None) -> ContentBlock | None:
    call = Call.objects.of_territory(territory).filter(status="open").order_by("-year").first()
    if call is None:
        return None
    url = territory.absolute_url(reverse("calls:call", args=[call.year]))
    deadline = f" jusqu'au {call.deadline:%d/%m/%Y}" if call.deadline else ""
    text = f"{call.title} : candidatures ouvertes{deadline}, enveloppe de {euros(call.envelope)}. {url}"
    html = (
        f'<p><a href="{escape(url)}">{escape(call.title)}</a> : candidatures ouvertes{escape(deadline)}, '
        f"enveloppe de {escape(euros(call.envelope))}.</p>"
    )
    return ContentBlock(title="Appel à projets en cours", html=html, text=text)


# --- « Mon espace » -----------------------------------------------------------------------------------------


def my_space_section(user: Any, territory: Territory) -> MySpaceSection | None:
    items = [
        MySpaceItem(
            label=f"{a.title} ({a.structure.name})",
            url=reverse("calls:application", args=[a.pk]),
            detail=f"appel {a.call.year} — {a.get_status_display()}",
        )
        for a in selectors.my_applications(user, territory)
    ]
    items += [
        MySpaceItem(label=f"Jury de l'appel {j.call.year}", url=reverse("calls:jury", args=[j.call.year]))
        for j in user.call_juries.filter(status="accepted", call__territory=territory).select_related("call")
    ]
    return MySpaceSection(
        title="Mes candidatures et jurys d'appels à projets",
        items=items,
        empty="Aucune candidature ni jury.",
        link_url=reverse("calls:home"),
        link_label="Les appels à projets",
    )


def fund_total(territory: Territory) -> Decimal:
    return sum((y.endowed for y in selectors.fund_balance(territory)), Decimal(0))
