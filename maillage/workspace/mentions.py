"""Mentions in messages: `@slug` names a structure of the territory (its slug) or a member of the territory
(the slug of their name, e.g. `@camille-martin`). A mention becomes a link to the structure's page, or the
person's name in bold — never their address. The text is escaped for Markdown before rendering, and the
result sanitised by nh3 (`render_markdown`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.text import slugify

from maillage.accounts.models import User
from maillage.actors.models import Structure
from maillage.core.models import Territory
from maillage.core.text import french_typography, render_markdown

MENTION = re.compile(r"(?<![\w@/])@([a-z0-9][a-z0-9-]{1,80})")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+.!|<>~-])")


def _md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


@dataclass
class Rendered:
    html: str
    users: list[Any] = field(default_factory=list)
    structures: list[Any] = field(default_factory=list)


def people_by_slug(territory: Territory) -> dict[str, Any]:
    people = User.objects.filter(
        memberships__structure__territory=territory, memberships__structure__status=Structure.Status.PUBLISHED
    ).distinct()
    found: dict[str, Any] = {}
    for person in people:
        slug = slugify(person.display_name)
        if slug and slug not in found:
            found[slug] = person
    return found


def render_body(territory: Territory, text: str) -> Rendered:
    slugs = set(MENTION.findall(text or ""))
    users: dict[str, Any] = {}
    structures: dict[str, Any] = {}
    if slugs:
        structures = {
            s.slug: s
            for s in Structure.objects.filter(
                territory=territory, slug__in=slugs, status=Structure.Status.PUBLISHED
            )
        }
        people = people_by_slug(territory)
        users = {slug: people[slug] for slug in slugs if slug in people and slug not in structures}

    def replace(match: re.Match[str]) -> str:
        slug = match.group(1)
        if slug in structures:
            url = reverse("actors:detail", kwargs={"slug": slug})
            return f"[@{_md_escape(structures[slug].name)}]({url})"
        if slug in users:
            return f"**@{_md_escape(users[slug].display_name)}**"
        return match.group(0)

    html = french_typography(str(render_markdown(MENTION.sub(replace, text or ""))))
    return Rendered(html=html, users=list(users.values()), structures=list(structures.values()))
