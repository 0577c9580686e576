"""The header's search box: one query over the whole site, results grouped by kind.

What is in core's search index (structures, practices, news, and whatever a module indexes later) is found
through `core.search.search` — the same on SQLite and PostgreSQL. Events (public agenda) and the pages of
the plan (the registry's « plan.action » link target) are not indexed: their titles are matched here with
the index's own normalisation (accents, plurals, word prefixes), so a query means the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from maillage.actors.directory_text import text_groups
from maillage.actors.models import Practice, Structure
from maillage.core import search as core_search
from maillage.core.models import Territory
from maillage.core.registry import registry
from maillage.events.models import Event

PER_KIND = 8
KIND_LABELS = {
    "structure": "Structures",
    "practice": "Bonnes pratiques",
    "event": "Rendez-vous",
    "news": "Veille et actualités",
    "plan": "Pages du plan d'actions",
    "need": "Besoins sociaux",
    "call": "Appels à projets",
}
KIND_ORDER = ["structure", "practice", "event", "news", "need", "call", "plan"]
# Link targets whose titles the search box matches, by group: public pages only (an atelier may be
# private; the needs' and calls' targets offer only what their public pages show).
LINKED_KINDS: dict[str, tuple[str, ...]] = {"plan": ("plan.action",), "need": ("need",), "call": ("call",)}
PUBLIC_LINK_TARGETS = tuple(key for keys in LINKED_KINDS.values() for key in keys)


@dataclass
class Result:
    title: str
    url: str
    detail: str = ""


@dataclass
class Group:
    kind: str
    label: str
    results: list[Result] = field(default_factory=list)
    total: int = 0


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _matches(words: list[str], title: str) -> bool:
    terms = core_search.normalise(title).split()
    return all(any(t.startswith(p) for t in terms for p in core_search.prefixes(w)) for w in words)


INDEXED_KINDS = ("structure", "practice", "news")


def structure_query(territory: Territory, query: str) -> str:
    """The query as the directory reads it: a word that no term of the directory's vocabulary starts with is
    replaced by the vocabulary's nearest term (`directory_text.text_groups`, a few thousand words), so that
    the structures are matched by their terms. Without it, PostgreSQL's typo fallback compared the word with
    every structure's whole document (trigram similarity): 0.8-0.9 s at 20,000 structures for « jardinn »
    (bench/README.md, « Core search »). A word with no near term is kept as typed."""
    words = core_search.query_words(query)
    groups = text_groups(territory, query)
    return " ".join(
        word if group == core_search.prefixes(word) or not group else group[0]
        for word, group in zip(words, groups, strict=True)
    )


def _indexed(territory: Territory, query: str) -> dict[str, Group]:
    groups: dict[str, Group] = {}
    for kind in INDEXED_KINDS:
        asked = structure_query(territory, query) if kind == "structure" else query
        results = core_search.search(territory, asked, kinds=[kind], limit=PER_KIND)
        group = groups[kind] = Group(kind, KIND_LABELS[kind], total=results.total)
        if kind == "structure":
            structures = Structure.objects.published(territory).in_bulk(results.ids(kind))
            group.results = [
                Result(s.name, _url("actors:detail", s.slug), s.get_family_display())
                for hit in results
                if (s := structures.get(hit.object_id)) is not None
            ]
        elif kind == "practice":
            practices = Practice.objects.public(territory).in_bulk(results.ids(kind))
            group.results = [
                Result(p.title, _url("actors:practice_detail", p.structure.slug, p.slug), p.structure.name)
                for hit in results
                if (p := practices.get(hit.object_id)) is not None
            ]
        else:
            news = _url("workspace:news")
            group.results = [
                Result(hit.title, f"{news}?{urlencode({'q': hit.title[:80]})}" if news else "")
                for hit in results
            ]
    return groups


def _events(territory: Territory, words: list[str]) -> Group:
    group = Group("event", KIND_LABELS["event"])
    rows = Event.objects.public_agenda(territory).order_by("-start").values_list("title", "slug", "start")
    for title, slug, start in rows.iterator():
        if _matches(words, title):
            group.total += 1
            if len(group.results) < PER_KIND:
                group.results.append(Result(title, _url("events:detail", slug), start.strftime("%d/%m/%Y")))
    return group


def _linked(territory: Territory, words: list[str], kind: str) -> Group:
    """The public objects a module offers as link targets (the registry's), matched by their labels."""
    group = Group(kind, KIND_LABELS[kind])
    for key in LINKED_KINDS[kind]:
        target = registry.link_targets.get(key)
        if target is None:
            continue
        model = apps.get_model(target.model)
        matched = [(pk, label) for pk, label in target.choices(territory) if _matches(words, label)]
        group.total += len(matched)
        objects = model.objects.in_bulk([pk for pk, _ in matched[:PER_KIND]])
        group.results += [
            Result(label, target.url(objects[pk])) for pk, label in matched[:PER_KIND] if pk in objects
        ]
    return group


def site_search(territory: Territory, query: str) -> list[Group]:
    """The groups with at least one result, in a fixed order (structures first)."""
    words = core_search.query_words(query)
    if not words:
        return []
    groups = _indexed(territory, query)
    groups["event"] = _events(territory, words)
    for kind in LINKED_KINDS:
        groups[kind] = _linked(territory, words, kind)
    ordered = [groups[k] for k in KIND_ORDER if k in groups]
    return [g for g in ordered if g.results]
