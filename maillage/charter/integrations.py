"""What the charter offers the rest of the house through the registry: the metric « signataires de la
charte », link targets (the charter, a version) for the plan, the lettre's content block (latest
signatories), the directory's badge and facet, and the personal-data hook (signer names)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.html import escape

from maillage.charter.models import (
    Amendment,
    AmendmentSupport,
    Charter,
    CharterVersion,
    Comment,
    Signature,
    SignatureStatus,
)
from maillage.charter.services import erase_person
from maillage.charter.services.privacy import signatures_of
from maillage.core.models import Territory
from maillage.core.registry import ContentBlock
from maillage.core.text import long_date

# --- metric -------------------------------------------------------------------------------------------


def count_signatories(territory: Territory, start: dt.date, end: dt.date) -> int:
    """Published structures whose signature (of any version) was active at some point of [start, end]:
    signed on or before `end`, and not withdrawn before `start`. A structure counts once (the charter page's
    « N structures … ; M autres … » count the same today)."""
    qs = Signature.objects.filter(
        version__charter__territory=territory, signed_on__lte=end, structure__status="published"
    ).exclude(status=SignatureStatus.WITHDRAWN, withdrawn_on__lt=start)
    return qs.values("structure_id").distinct().count()


# --- link targets -------------------------------------------------------------------------------------


def charter_choices(territory: Territory) -> list[tuple[int, str]]:
    return [(c.pk, c.title) for c in Charter.objects.filter(territory=territory)]


def charter_url(charter: Charter) -> str:
    return reverse("charter:home")


def version_choices(territory: Territory) -> list[tuple[int, str]]:
    return [
        (v.pk, f"Charte — version {v.number} ({v.get_status_display()})")
        for v in CharterVersion.objects.filter(charter__territory=territory)
        .exclude(status="draft")
        .order_by("number")
    ]


def version_url(version: CharterVersion) -> str:
    return reverse("charter:version", kwargs={"number": version.number})


# --- the lettre's block -------------------------------------------------------------------------------


def latest_signatories_block(
    *, territory: Territory, since: dt.date, options: Any = None, **_: Any
) -> ContentBlock | None:
    """Structures that signed the charter since `since` (None when there is none)."""
    limit = int((options or {}).get("limit", 10))
    signatures = list(
        Signature.objects.filter(
            version__charter__territory=territory,
            status=SignatureStatus.ACTIVE,
            signed_on__gte=since,
            structure__status="published",
        )
        .select_related("structure", "version")
        .order_by("-signed_on", "structure__name")[:limit]
    )
    if not signatures:
        return None
    title = "Nouveaux signataires de la charte"
    url = territory.absolute_url(reverse("charter:signatories"))
    items_html = "".join(
        f"<li>{escape(s.structure.name)} — version {s.version.number}, "
        f"le {escape(long_date(s.signed_on))}</li>"
        for s in signatures
    )
    html = f'<ul>{items_html}</ul><p><a href="{escape(url)}">Tous les signataires</a></p>'
    text = "\n".join(
        f"- {s.structure.name} — version {s.version.number}, le {long_date(s.signed_on)}" for s in signatures
    )
    return ContentBlock(title=title, html=html, text=f"{text}\nTous les signataires : {url}")


# --- personal data ------------------------------------------------------------------------------------


def export_signatures(user: Any) -> dict[str, Any]:
    return {
        "signatures_de_la_charte": [
            {
                "structure": s.structure.name,
                "version": s.version.number,
                "nom_publie": s.signer_name,
                "fonction_publiee": s.signer_role,
                "date": s.signed_on.isoformat(),
                "statut": s.get_status_display(),
            }
            for s in signatures_of(user).order_by("signed_on", "pk")
        ],
        "commentaires_sur_la_charte": [
            {
                "article": c.article.title,
                "version": c.article.version.number,
                "texte": c.body,
                "date": c.created_at.isoformat(),
            }
            for c in Comment.objects.filter(author=user).select_related("article__version").order_by("pk")
        ],
        "amendements_a_la_charte": [
            {
                "article": a.article.title,
                "version": a.article.version.number,
                "texte_propose": a.text,
                "justification": a.rationale,
                "statut": a.get_status_display(),
            }
            for a in Amendment.objects.filter(author=user).select_related("article__version").order_by("pk")
        ],
        "amendements_soutenus": list(
            AmendmentSupport.objects.filter(user=user).order_by("pk").values_list("amendment_id", flat=True)
        ),
    }


def erase_signatures(user: Any, *, replacement: Any | None = None) -> None:
    """The signature stays (the structure's commitment is not the person's), the person's name goes (see
    `services.erase_person`)."""
    erase_person(user)
