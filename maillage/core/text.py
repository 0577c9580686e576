"""Text helpers: sanitised Markdown, French typography, search normalisation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # "js-default": no raw HTML passes through Markdown; nh3 sanitises what it produces anyway.
    return MarkdownIt("js-default").enable("table")


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown(text: str) -> SafeString:
    return mark_safe(sanitize_html(_markdown().render(text or "")))  # noqa: S308 - sanitised by nh3


_NBSP_BEFORE = re.compile(r"\s*([;:!?»])")
_NBSP_AFTER = re.compile(r"(«)\s*")


def french_typography(text: str) -> str:
    """Narrow no-break space before ; ! ? and no-break space inside « » and before :."""
    text = re.sub(r"\s*([;!?])", "\u202f\\1", text)
    text = re.sub(r"\s*(:)(?=\s)", "\u00a0\\1", text)
    text = re.sub(r"«\s*", "«\u00a0", text)
    text = re.sub(r"\s*»", "\u00a0»", text)
    return text


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
