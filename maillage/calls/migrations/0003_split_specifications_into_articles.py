"""The specification becomes articles, step 2 of 3: each version's Markdown body is cut into articles at its
`#` and `##` headings, and each comment moves to an article.

- A heading opens an article titled with the heading's words; the text up to the next `#`/`##` heading is
  its body (`###` and smaller stay inside it; a heading inside a fenced code block is text).
- Text before the first heading, or a body without any heading, becomes an article « Cahier des charges ».
- A heading with no text under it (the document's own title, « # Cahier des charges de l'appel… ») makes no
  article; when no heading has any text under it, the whole body becomes one article « Cahier des charges »,
  so that nothing written is lost.
- A comment goes to the first article whose title (four letters or more) it quotes, e.g. « Sur le
  calendrier, … » goes to « Calendrier »; otherwise to the first article.

Reversible: going back writes each version's body again from its articles (« ## Titre » then the text,
articles in order; a lone « Cahier des charges » article gives back its text as it was), and each comment
goes back to the article's version. The layout may differ from the original text (blank lines, the
document's title heading that made no article).
"""

from __future__ import annotations

import re
import uuid

from django.db import migrations

DEFAULT_TITLE = "Cahier des charges"
_HEADING = re.compile(r"^ {0,3}(#{1,2})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def split_markdown(body: str) -> list[tuple[str, str]]:
    """[(title, text)] of the articles cut from `body` (see the module's docstring)."""
    sections: list[tuple[str, list[str]]] = []
    title, lines = DEFAULT_TITLE, []
    fenced = False
    for line in (body or "").splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        match = None if fenced else _HEADING.match(line)
        if match:
            sections.append((title, lines))
            title, lines = match.group(2).strip()[:200] or DEFAULT_TITLE, []
        else:
            lines.append(line)
    sections.append((title, lines))
    kept = [(t, "\n".join(ls).strip()) for t, ls in sections]
    kept = [(t, text) for t, text in kept if text]
    if not kept:
        return [(DEFAULT_TITLE, (body or "").strip())]
    return kept


def join_articles(articles: list[tuple[str, str]]) -> str:
    """The Markdown body written back from [(title, text)] (the reverse of `split_markdown`)."""
    if len(articles) == 1 and articles[0][0] == DEFAULT_TITLE:
        return articles[0][1]
    return "\n\n".join(f"## {title}\n\n{text}".rstrip() for title, text in articles)


def pick_article(comment: str, titles: list[str]) -> int:
    """The index of the article a comment refers to: the first title it quotes, else the first article."""
    text = (comment or "").casefold()
    for index, title in enumerate(titles):
        words = title.strip().casefold()
        if len(words) >= 4 and words in text:
            return index
    return 0


def split_specifications(apps, schema_editor):
    Specification = apps.get_model("calls", "Specification")
    SpecArticle = apps.get_model("calls", "SpecArticle")
    SpecComment = apps.get_model("calls", "SpecComment")
    for spec in Specification.objects.order_by("pk"):
        if spec.articles.exists():
            continue
        articles = [
            SpecArticle.objects.create(version=spec, key=uuid.uuid4(), position=i, title=title, body=text)
            for i, (title, text) in enumerate(split_markdown(spec.body), 1)
        ]
        titles = [a.title for a in articles]
        for comment in SpecComment.objects.filter(specification=spec).order_by("pk"):
            comment.article = articles[pick_article(comment.body, titles)]
            comment.save(update_fields=["article"])


def join_specifications(apps, schema_editor):
    Specification = apps.get_model("calls", "Specification")
    SpecComment = apps.get_model("calls", "SpecComment")
    for spec in Specification.objects.order_by("pk"):
        articles = list(spec.articles.order_by("position", "pk"))
        spec.body = join_articles([(a.title, a.body) for a in articles])
        spec.save(update_fields=["body"])
    for comment in SpecComment.objects.filter(article__isnull=False).select_related("article"):
        comment.specification_id = comment.article.version_id
        comment.save(update_fields=["specification"])


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0002_specification_articles"),
    ]

    operations = [
        migrations.RunPython(split_specifications, join_specifications),
    ]
