"""API of the needs register: the public needs (every need but those awaiting their e-mail confirmation, as
the public list shows), with the list's filters, and one need.

Never the person who reported or supported a need (name, address, account), never the evidence field (it
may quote testimonies): the title, the description, the category, the communes, the status, the animation's
synthesis, the number of supports, and the published structures that answer it.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from maillage.actors.models import Structure
from maillage.core.api_lists import PageParams, keyset, page_of
from maillage.needs.models import PUBLIC_STATUSES, Need, NeedCategory, Support
from maillage.needs.selectors import filtered_needs

router = Router(tags=["besoins sociaux"])


class NeedOut(Schema):
    id: int
    title: str
    description: str
    category: str
    category_label: str
    public_concerned: str
    communes: list[str]  # codes INSEE
    status: str
    synthesis: str
    supports: int
    structures: list[str]  # slugs of the published structures that answer it
    created_at: dt.datetime
    url: str


class NeedFilters(PageParams):
    categorie: str = Field("", max_length=80, description="identifiant d'une catégorie du territoire")
    statut: str = Field(
        "", max_length=20, description="un statut, ou « ouverts » (signalés, qualifiés, en cours de réponse)"
    )
    commune: str = Field("", max_length=10, description="code INSEE d'une commune concernée")
    q: str = Field("", max_length=100, description="mots cherchés")


NeedPageOut = page_of(NeedOut)
STATUSES = ["ouverts", *PUBLIC_STATUSES]


def _rows(needs: list[Need]) -> list[dict]:
    counts = dict(
        Support.objects.filter(need__in=needs, confirmed=True)
        .values("need")
        .annotate(n=Count("pk"))
        .values_list("need", "n")
    )
    return [
        {
            "id": need.pk,
            "title": need.title,
            "description": need.description,
            "category": need.category.slug,
            "category_label": need.category.label,
            "public_concerned": need.public_concerned,
            "communes": [c.insee_code for c in need.communes.all()],
            "status": need.status,
            "synthesis": need.synthesis,
            "supports": counts.get(need.pk, 0),
            "structures": [s.slug for s in need.structures.all()],
            "created_at": need.created_at,
            "url": need.territory.absolute_url(reverse("needs:detail", kwargs={"pk": need.pk})),
        }
        for need in needs
    ]


def _related(qs):
    published = Structure.objects.filter(status=Structure.Status.PUBLISHED).only("pk", "slug")
    return qs.select_related("category", "territory").prefetch_related(
        "communes", Prefetch("structures", queryset=published)
    )


@router.get(
    "/besoins",
    response={200: NeedPageOut, 400: None},
    summary="Besoins sociaux publics du territoire",
    description="Du plus récent au plus ancien, avec les filtres de la page publique : `categorie`, `statut` "
    "(ou « ouverts »), `commune` (code INSEE), `q`. Jamais la personne qui a signalé ou soutenu. Une "
    "catégorie inconnue répond 400.",
)
def list_needs(request, filters: Query[NeedFilters]):
    territory = request.territory
    if filters.statut and filters.statut not in STATUSES:
        raise HttpError(400, f"Statut inconnu : « {filters.statut} » (attendu : {', '.join(STATUSES)}).")
    if (
        filters.categorie
        and not NeedCategory.objects.filter(territory=territory, slug=filters.categorie).exists()
    ):
        raise HttpError(400, f"Catégorie de besoin inconnue dans le territoire : « {filters.categorie} ».")
    params = {
        "categorie": filters.categorie,
        "statut": filters.statut,
        "commune": filters.commune,
        "q": filters.q,
    }
    needs, _chosen = filtered_needs(AnonymousUser(), territory, params)
    page = keyset(_related(needs), order=("-created_at", "-pk"), params=filters, salt="needs")
    page["items"] = _rows(page["items"])
    return page


@router.get("/besoins/{need_id}", response={200: NeedOut, 404: None}, summary="Un besoin social public")
def get_need(request, need_id: int):
    need = _related(Need.objects.for_user(None, request.territory)).filter(pk=need_id).first()
    if need is None:
        raise HttpError(404, "Aucun besoin public du territoire ne porte ce numéro.")
    return _rows([need])[0]
