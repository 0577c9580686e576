"""What the needs register offers the rest of the house through the registry: metrics for the plan and the
dashboard, link targets (a need, for plan actions and calls for projects), the lettre's block, the
directory's badge (« répond à un besoin social »), the list of the needs a structure answers on its profile
(a `ProfileSection`), and the personal-data hook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from maillage.core.models import Territory
from maillage.core.registry import ContentBlock
from maillage.needs.models import CLOSED_STATUSES, Need, NeedCategory, NeedStatus, NeedTransition, Support
from maillage.needs.selectors import needs_answered_by
from maillage.needs.services import erase_person, expire_pending
from maillage.needs.services.privacy import forget_closed_addresses

# --- metrics ------------------------------------------------------------------------------------------


def _moved_to(territory: Territory, states: list[str], start: dt.date, end: dt.date) -> int:
    """Needs of the territory that reached one of `states` during [start, end] (each need once)."""
    return (
        NeedTransition.objects.filter(
            need__territory=territory, to_state__in=states, at__date__gte=start, at__date__lte=end
        )
        .exclude(from_state=models_f_to_state())
        .values("need_id")
        .distinct()
        .count()
    )


def models_f_to_state() -> Any:
    """Merge notes are logged from a state to the same state: they are not moves."""
    return F("to_state")


def count_reported(territory: Territory, start: dt.date, end: dt.date) -> int:
    return _moved_to(territory, [NeedStatus.REPORTED], start, end)


def count_qualified(territory: Territory, start: dt.date, end: dt.date) -> int:
    return _moved_to(territory, [NeedStatus.QUALIFIED], start, end)


def count_addressed(territory: Territory, start: dt.date, end: dt.date) -> int:
    return _moved_to(territory, [NeedStatus.ADDRESSING], start, end)


def count_met(territory: Territory, start: dt.date, end: dt.date) -> int:
    return _moved_to(territory, [NeedStatus.MET, NeedStatus.PARTLY_MET], start, end)


def category_metric(slug: str) -> Callable[[Territory, dt.date, dt.date], int]:
    """Needs of one category reported during the period (the default categories each get a metric)."""

    def compute(territory: Territory, start: dt.date, end: dt.date) -> int:
        return (
            NeedTransition.objects.filter(
                need__territory=territory,
                need__category__slug=slug,
                to_state=NeedStatus.REPORTED,
                at__date__gte=start,
                at__date__lte=end,
            )
            .exclude(from_state=models_f_to_state())
            .values("need_id")
            .distinct()
            .count()
        )

    return compute


# --- link targets -------------------------------------------------------------------------------------


def need_choices(territory: Territory) -> list[tuple[int, str]]:
    return [
        (n.pk, f"n° {n.pk} — {n.title} ({n.get_status_display()})")
        for n in Need.objects.of_territory(territory)
        .public()
        .exclude(status=NeedStatus.DUPLICATE)
        .order_by("title")
    ]


def need_url(need: Need) -> str:
    return reverse("needs:detail", kwargs={"pk": need.pk})


def category_choices(territory: Territory) -> list[tuple[int, str]]:
    return [(c.pk, f"Besoins : {c.label}") for c in NeedCategory.objects.filter(territory=territory)]


def category_url(category: NeedCategory) -> str:
    return reverse("needs:list") + f"?categorie={category.slug}"


# --- the lettre's block -------------------------------------------------------------------------------


def latest_needs_block(
    *, territory: Territory, since: Any, options: Any = None, **_: Any
) -> ContentBlock | None:
    """Needs that entered the register, or got an answer, since `since` (None when there is none)."""
    limit = int((options or {}).get("limit", 8))
    since_date = since.date() if isinstance(since, dt.datetime) else since
    lines = list(
        NeedTransition.objects.filter(need__territory=territory, at__date__gte=since_date)
        .exclude(to_state=NeedStatus.UNCONFIRMED)
        .exclude(from_state=models_f_to_state())
        .select_related("need")
        .order_by("-at", "-pk")
    )
    seen: dict[int, Any] = {}
    for line in lines:
        if line.need_id not in seen and line.need.status != NeedStatus.UNCONFIRMED:
            seen[line.need_id] = line
    picked = list(seen.values())[:limit]
    if not picked:
        return None
    base = territory.absolute_url(reverse("needs:list"))
    items_html = "".join(
        f"<li><a "
        f'href="{escape(territory.absolute_url(need_url(line.need)))}">{escape(line.need.title)}</a> — '
        f"{escape(line.need.get_status_display())}</li>"
        for line in picked
    )
    html = f'<ul>{items_html}</ul><p><a href="{escape(base)}">Tous les besoins sociaux du territoire</a></p>'
    text = "\n".join(
        f"- {line.need.title} — {line.need.get_status_display()} : "
        f"{territory.absolute_url(need_url(line.need))}"
        for line in picked
    )
    return ContentBlock(
        title="Besoins sociaux : signalements et réponses",
        html=html,
        text=f"{text}\nTous les besoins : {base}",
    )


# --- the structure's profile in the directory ---------------------------------------------------------

PROFILE_TITLE = "Besoins sociaux auxquels la structure répond"


def profile_block(structure: Any) -> ContentBlock | None:
    """The needs of the register linked to the structure, each with its status (None when there is none)."""
    needs = needs_answered_by(structure)
    if not needs:
        return None
    html = render_to_string("needs/_profile_block.html", {"needs": needs, "title": PROFILE_TITLE})
    text = "\n".join(f"- {n.title} — {n.get_status_display()} : {need_url(n)}" for n in needs)
    return ContentBlock(title=PROFILE_TITLE, html=html, text=text)


# --- personal data ------------------------------------------------------------------------------------


def export_person(user: Any) -> dict[str, Any]:
    return {
        "besoins_signales": [
            {
                "titre": n.title,
                "description": n.description,
                "statut": n.get_status_display(),
                "anonyme_en_public": n.anonymous,
                "nom_affiche": n.reporter_name,
                "date": n.created_at.isoformat(),
            }
            for n in Need.objects.filter(reporter=user).order_by("pk")
        ],
        "besoins_soutenus": [
            {"besoin": s.need.title, "temoignage": s.testimony, "date": s.created_at.isoformat()}
            for s in Support.objects.filter(user=user).select_related("need").order_by("pk")
        ],
    }


def erase(user: Any, *, replacement: Any | None = None) -> None:
    erase_person(user)


def retention(now: dt.datetime) -> int:
    return expire_pending(now) + forget_closed_addresses(now)


def open_count(territory: Territory) -> int:
    return Need.objects.of_territory(territory).public().filter(~Q(status__in=CLOSED_STATUSES)).count()
