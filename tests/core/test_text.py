"""French typography and long dates (core.text and their template filters)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.template import engines
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.core.text import french_typography, long_date, safe_url

NNBSP = "\u202f"
NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bonjour ! Ça va ?", f"Bonjour{NNBSP}! Ça va{NNBSP}?"),
        ("Bonjour!", f"Bonjour{NNBSP}!"),
        ("Vraiment ?!", f"Vraiment{NNBSP}?!"),
        ("Objectif n° 1 : recenser", f"Objectif n° 1{NBSP}: recenser"),
        ("une liste ; puis", f"une liste{NNBSP}; puis"),
        ("« Rendez-vous de l'ESS »", f"«{NBSP}Rendez-vous de l'ESS{NBSP}»"),
        ("«atelier»", f"«{NBSP}atelier{NBSP}»"),
        ("à 18:00 précises", "à 18:00 précises"),
        ("voir https://exemple.fr/?page=2 ; merci", f"voir https://exemple.fr/?page=2{NNBSP}; merci"),
        ("Tom &amp; Léa ; ok", f"Tom &amp; Léa{NNBSP}; ok"),
        ('<a href="/structures/?q=scop">lien</a>', '<a href="/structures/?q=scop">lien</a>'),
    ],
)
def test_french_typography(text, expected):
    assert french_typography(text) == expected


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab :;!?«» \u00a0\u202f&<>/=.\"'"))))
def test_french_typography_is_idempotent(text):
    once = french_typography(text)
    assert french_typography(once) == once


def test_long_date_in_french():
    assert long_date(dt.date(2013, 6, 7)) == "vendredi 7 juin 2013"
    assert long_date(None) == ""


def test_long_date_of_an_aware_datetime_is_the_local_date():
    # 23:30 UTC on 6 June 2013 is already 7 June in Paris.
    moment = dt.datetime(2013, 6, 6, 23, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert long_date(moment) == "vendredi 7 juin 2013"


def _render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_long_date_filter_and_django_date_format_agree():
    day = dt.date(2013, 6, 7)
    assert _render("{{ d|long_date }}", d=day) == "vendredi 7 juin 2013"
    assert _render('{{ d|date:"l j F Y" }}', d=day) == "vendredi 7 juin 2013"


def test_typo_filter_escapes_plain_text_before_spacing():
    html = _render("{{ t|typo }}", t="<b>Attention</b> : « oui » !")
    assert "<b>" not in html
    assert f"&lt;b&gt;Attention&lt;/b&gt;{NBSP}: «{NBSP}oui{NBSP}»{NNBSP}!" == html


def test_typo_filter_keeps_safe_html():
    html = _render("{{ t|markdown|typo }}", t="**Charte** : signée !")
    assert html.startswith("<p><strong>Charte</strong>")
    assert f"{NBSP}: signée{NNBSP}!" in html


def test_markdown_teaser_is_plain_text_cut_to_words():
    from maillage.core.text import markdown_teaser

    text = (
        "# Titre\n\n**Réemploi** & réparation : [voir](https://example.org) <script>alert(1)</script>\n\n"
        + ("mot " * 50)
    )
    teaser = markdown_teaser(text, 12)
    assert teaser.startswith("Titre Réemploi & réparation : voir <script>alert(1)</script> mot")
    assert "**" not in teaser and "&amp;" not in teaser and "https" not in teaser  # the text, not its markup
    assert teaser.endswith("…") and len(teaser.split()) == 13  # twelve words and the ellipsis
    from django.template import Context, Template

    shown = Template("{{ text|teaser:12 }}").render(Context({"text": text}))
    assert "&lt;script&gt;" in shown and "<script>" not in shown  # plain text: escaped like any text
    assert markdown_teaser("Court.", 8) == "Court."


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("https://exemple.org/a?b=c", "https://exemple.org/a?b=c"),
        ("/agenda/", "/agenda/"),
        ("mailto:contact@exemple.org", "mailto:contact@exemple.org"),
        ("javascript:alert(1)", ""),
        (" JaVa\tScript:alert(1)", ""),
        ("data:text/html,<script>alert(1)</script>", ""),
        ("vbscript:msgbox(1)", ""),
    ],
)
def test_safe_url_keeps_only_web_addresses(stored, shown):
    assert safe_url(stored) == shown
