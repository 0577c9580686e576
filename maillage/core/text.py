"""Text helpers: sanitised Markdown, French typography, search normalisation."""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from functools import lru_cache

import nh3
from django.utils import dateformat, timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from markdown_it import MarkdownIt

_ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
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


_LINK_SCHEMES = ("http", "https", "mailto", "tel")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
# What browsers ignore inside a scheme (« java\tscript: ») or strip before it.
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")


def safe_url(value: object) -> str:
    """A stored address as it may go into an href or a src: an http(s), mailto or tel address, or a path
    of the site; anything else (« javascript: », « data: », …) becomes "" (the same schemes as nh3's)."""
    url = str(value or "").strip()
    match = _SCHEME.match(_IGNORED_IN_URLS.sub("", url))
    if match and match.group(1).lower() not in _LINK_SCHEMES:
        return ""
    return url


def render_markdown(text: str) -> SafeString:
    return mark_safe(sanitize_html(_markdown().render(text or "")))  # noqa: S308 - sanitised by nh3


@lru_cache(maxsize=4096)
def markdown_teaser(text: str, words: int = 30) -> str:
    """The first `words` words of a Markdown text as plain text (the tags of its rendering removed), for
    cards and lists. Plain text: templates escape it. Memoised (a pure function of the text): a list shows
    the same descriptions again and again, and rendering Markdown costs about half a millisecond each."""
    plain = strip_tags(str(render_markdown(text or "")))
    return Truncator(html.unescape(" ".join(plain.split()))).words(words, truncate=" …")


_SPACES = "[ \t\u00a0\u202f]*"
_BREAKING = "[ \t\r\n]"  # what may follow the punctuation (not the no-break spaces this function inserts)
# Left alone: HTML tags, character entities (&amp;) and URLs.
_PROTECTED = re.compile(r"<[^>]*>|&#?\w+;|\b(?:https?|mailto|tel):[^\s<]+")
_RULES = (
    (re.compile(rf"(?<=\S){_SPACES}([;!?]+)(?={_BREAKING}|$|[»)\]\"'’.,<&])"), "\u202f\\1"),
    (re.compile(rf"(?<=\S){_SPACES}:(?={_BREAKING}|$|<)"), "\u00a0:"),
    (re.compile(rf"«{_SPACES}"), "«\u00a0"),
    (re.compile(rf"{_SPACES}»"), "\u00a0»"),
)


def french_typography(text: str) -> str:
    """French spacing: a narrow no-break space before ; ! ?, a no-break space before : and inside « ».

    Idempotent; leaves HTML tags, entities and URLs untouched, so it may run on escaped or sanitised HTML.
    """
    for pattern, replacement in _RULES:
        protected = [m.span() for m in _PROTECTED.finditer(text)]

        def substitute(
            match: re.Match[str], protected: list[tuple[int, int]] = protected, replacement: str = replacement
        ) -> str:
            start, end = match.span()
            if any(p_start < end and start < p_end for p_start, p_end in protected):
                return match.group(0)
            return match.expand(replacement)

        text = pattern.sub(substitute, text)
    return text


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# Django's French locale spells « l j F Y » as « vendredi 7 juin 2013 ».
LONG_DATE_FORMAT = "l j F Y"


def long_date(value: dt.date | dt.datetime | None) -> str:
    """« vendredi 7 juin 2013 » in the active language (French by default); aware datetimes in local time."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, LONG_DATE_FORMAT)
