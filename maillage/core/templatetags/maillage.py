"""Template helpers available in every template (registered as a builtin)."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

from maillage.core.text import french_typography, long_date, markdown_teaser, render_markdown, safe_url

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(value: str | None) -> SafeString:
    """Render Markdown to sanitised HTML (nh3)."""
    return render_markdown(value or "")


@register.filter(name="safe_url")
def safe_url_filter(value: object) -> str:
    """A stored address for an href/src: "" unless http(s), mailto, tel or a path (no « javascript: »)."""
    return safe_url(value)


@register.filter(name="teaser")
def teaser_filter(value: str | None, words: int = 30) -> str:
    """The first words of a Markdown text as plain text (escaped by the template as any text)."""
    return markdown_teaser(value or "", int(words))


@register.filter(name="typo", is_safe=True)
def typo_filter(value: object) -> SafeString:
    """French typography (no-break spaces before ; : ! ? and inside « »), on escaped text.

    Plain text is escaped first; already-safe HTML (e.g. the output of `markdown`) keeps its tags and
    entities untouched.
    """
    if value is None:
        return mark_safe("")  # noqa: S308 - empty
    text = value if isinstance(value, SafeData) else str(value)
    return mark_safe(french_typography(str(conditional_escape(text))))  # noqa: S308 - escaped above


@register.filter(name="compte")
def count_filter(value: object, words: str) -> str:
    """A count in French: « aucun commentaire », « 1 commentaire », « 2 commentaires ».

    `{{ n|compte:"commentaire" }}`; an irregular or compound plural after a comma
    (`{{ n|compte:"abonné confirmé,abonnés confirmés" }}`); a feminine noun with a third part « f »
    (`{{ n|compte:"nouveauté,nouveautés,f" }}` → « aucune nouveauté »). Zero and one take the singular.
    """
    parts = [part.strip() for part in str(words).split(",")]
    singular = parts[0]
    plural = parts[1] if len(parts) > 1 and parts[1] else f"{singular}s"
    feminine = len(parts) > 2 and parts[2] == "f"
    try:
        count = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return f"{value} {plural}"
    if count == 0:
        return f"{'aucune' if feminine else 'aucun'} {singular}"
    return f"{count} {singular if abs(count) == 1 else plural}"


@register.filter(name="long_date")
def long_date_filter(value: object) -> str:
    """« vendredi 7 juin 2013 » (Django's `date:"l j F Y"` in French; aware datetimes in local time)."""
    return long_date(value)  # type: ignore[arg-type]


@register.simple_tag(takes_context=True)
def nav_active(context: template.Context, url_name: str) -> str:
    request = context.get("request")
    try:
        url = reverse(url_name)
    except NoReverseMatch:
        return ""
    if request is None:
        return ""
    if url == "/":
        return "page" if request.path == "/" else ""
    return "page" if request.path.startswith(url) else ""


@register.simple_tag
def url_or_empty(url_name: str) -> str:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return ""
