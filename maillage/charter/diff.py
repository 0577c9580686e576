"""A readable diff between two versions of the charter: article by article, words added and removed.

Articles are paired by their `key` (an article keeps its key when a new version is drafted from the previous
one). Each pair is compared word by word with difflib; the result is a list of segments (kind, text) that the
template renders with <ins>/<del> plus a text alternative (« ajouté : », « supprimé : ») so the meaning does
not rest on colour.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

# Words (with their inner apostrophes and hyphens), runs of spaces, and each punctuation mark on its own, so
# that « locaux » → « locaux, » shows one added comma, not a changed word.
_TOKENS = re.compile(r"\s+|\w+(?:['’-]\w+)*|[^\w\s]")
_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Segment:
    kind: str  # "same", "added", "removed"
    text: str


@dataclass
class ArticleDiff:
    title: str
    old_title: str
    state: str  # "same", "changed", "added", "removed", "moved"
    old_position: int | None
    new_position: int | None
    segments: list[Segment] = field(default_factory=list)
    words_added: int = 0
    words_removed: int = 0

    @property
    def title_changed(self) -> bool:
        return bool(self.old_title) and bool(self.title) and self.old_title != self.title


def word_diff(old: str, new: str) -> tuple[list[Segment], int, int]:
    """Segments of a word-level diff of `old` → `new`, and the counts of words added and removed."""
    a = _TOKENS.findall(old or "")
    b = _TOKENS.findall(new or "")
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    segments: list[Segment] = []
    added = removed = 0

    def push(kind: str, text: str) -> None:
        if not text:
            return
        if segments and segments[-1].kind == kind:
            segments[-1] = Segment(kind, segments[-1].text + text)
        else:
            segments.append(Segment(kind, text))

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            push("same", "".join(a[i1:i2]))
            continue
        if op in ("delete", "replace"):
            words = a[i1:i2]
            removed += sum(1 for w in words if _WORD.match(w))
            push("removed", "".join(words))
        if op in ("insert", "replace"):
            words = b[j1:j2]
            added += sum(1 for w in words if _WORD.match(w))
            push("added", "".join(words))
    return segments, added, removed


def diff_versions(old_articles, new_articles) -> list[ArticleDiff]:
    """Compare two ordered lists of articles (objects with key, position, title, body)."""
    old_by_key = {a.key: a for a in old_articles}
    new_keys = {a.key for a in new_articles}
    result: list[ArticleDiff] = []
    for article in new_articles:
        before = old_by_key.get(article.key)
        if before is None:
            segments, added, _ = word_diff("", article.body)
            result.append(ArticleDiff(article.title, "", "added", None, article.position, segments, added, 0))
            continue
        segments, added, removed = word_diff(before.body, article.body)
        if added or removed or before.title != article.title:
            state = "changed"
        elif before.position != article.position:
            state = "moved"
        else:
            state = "same"
        result.append(
            ArticleDiff(
                article.title,
                before.title,
                state,
                before.position,
                article.position,
                segments,
                added,
                removed,
            )
        )
    for before in old_articles:
        if before.key not in new_keys:
            segments, _, removed = word_diff(before.body, "")
            result.append(
                ArticleDiff(
                    before.title, before.title, "removed", before.position, None, segments, 0, removed
                )
            )
    return result
