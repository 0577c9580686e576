"""Template helpers available in every template (registered as a builtin)."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString

from maillage.core.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(value: str | None) -> SafeString:
    """Render Markdown to sanitised HTML (nh3)."""
    return render_markdown(value or "")


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
