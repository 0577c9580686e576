"""Core pages: home, legal pages, site map, theme, error pages; the layout's rules; the CSP."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template import engines
from django.test import Client, RequestFactory

from config.settings.base import build_csp
from maillage.core import views
from maillage.core.colors import contrast_ratio
from maillage.core.registry import (
    ContentBlock,
    ContentProvider,
    MenuEntry,
    ObjectivesProvider,
    Registry,
    registry,
)

ROOT = Path(__file__).resolve().parents[2]
CORE_PAGES = {
    "/": "Prochainement",
    "/mentions-legales/": "Mentions légales",
    "/donnees-personnelles/": "Données personnelles",
    "/accessibilite/": "Déclaration d&#x27;accessibilité",
    "/plan-du-site/": "Plan du site",
}


def html_of(response) -> str:
    return response.content.decode()


# --- every core page renders for the territory ------------------------------------------------------


@pytest.mark.parametrize(("url", "heading"), list(CORE_PAGES.items()))
def test_core_page_renders_for_the_territory(client, territory, url, heading):
    response = client.get(url)
    assert response.status_code == 200
    html = html_of(response)
    assert heading in html
    assert "Pays de Grasse" in html
    assert '<html lang="fr">' in html


@pytest.mark.parametrize("url", list(CORE_PAGES))
def test_core_page_renders_for_a_signed_in_person(client, territory, member, url):
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 200
    assert "Se déconnecter" in html_of(response)


@pytest.mark.parametrize("url", list(CORE_PAGES))
def test_layout_landmarks_and_skip_link(client, territory, url):
    html = html_of(client.get(url))
    body = html[html.index("<body") :]
    first_link = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body)
    assert first_link and 'href="#contenu"' in first_link.group(0), "the skip link must come first"
    assert '<main id="contenu"' in html
    for tag in ("<header", "<nav", "<main", "<footer"):
        assert tag in html
    assert html.count("<h1") == 1
    assert 'aria-label="Navigation principale"' in html
    assert "Mentions légales" in html and "Données personnelles" in html


def test_navigation_comes_from_the_registry(client, territory):
    html = html_of(client.get("/"))
    for entry in registry.menu.values():
        if entry.audience == "all":
            assert f">{entry.label}</a>" in html
    assert 'aria-current="page"' in html  # « Accueil » is the current page


def test_the_home_presents_the_contract_and_its_objectives(client, territory):
    territory.tagline = "Tisser les liens de l'ESS"
    territory.save()
    provider = ObjectivesProvider(key="test", objectives=lambda t: ["Recenser", "Animer", "Renforcer"])
    with registry.override(Registry()) as fresh:
        html = html_of(client.get("/"))
        assert "objectifs du contrat" not in html  # no contract's objectives: none shown (never a default)
        fresh.add_objectives_provider(provider)
        html = html_of(client.get("/"))
    assert "Contrat local de développement de l&#x27;ESS du Pays de Grasse" in html
    assert "Tisser les liens de l&#x27;ESS" in html
    for number, objective in enumerate(["Recenser", "Animer", "Renforcer"], start=1):
        assert f"Objectif n° {number}</span>" in html and objective in html
    assert "Les 3 objectifs du contrat" in html
    assert "Annuaire des acteurs" in html and "Créer un compte" in html and "Se connecter" in html


def test_the_home_reads_objectives_from_the_territory_settings(client, territory):
    territory.settings = {"objectives": ["Recenser les acteurs", " ", "Animer le réseau"]}
    territory.save()
    html = html_of(client.get("/"))
    assert "Les 2 objectifs du contrat" in html
    assert "Recenser les acteurs" in html and "Objectif n° 3" not in html


def test_the_home_shows_an_empty_state_when_no_module_provides_anything(client, territory):
    with registry.override(Registry()):
        html = html_of(client.get("/"))
    assert "Les prochains rendez-vous apparaîtront ici" in html


def test_the_home_shows_what_content_providers_return(client, territory, other_territory):
    seen = []

    def build(*, territory, since, options):
        seen.append((territory.slug, since, options))
        if territory.slug != "pays-de-grasse":
            return None
        return ContentBlock(title="Rendez-vous de l'ESS", html="<p>Vendredi : visite d'une SCOP</p>", text="")

    fresh = Registry()
    fresh.add_menu(MenuEntry(key="home", label="Accueil", url_name="core:home"))
    fresh.add_content_provider(ContentProvider(key="events", label="Agenda", build=build))
    fresh.add_content_provider(ContentProvider(key="nothing", label="Rien", build=lambda **kw: None))
    with registry.override(fresh):
        html = html_of(client.get("/"))
        other = html_of(client.get("/", HTTP_HOST="autre.testserver"))
    assert "<p>Vendredi : visite d'une SCOP</p>" in html
    assert "apparaîtront ici" not in html
    assert "apparaîtront ici" in other
    assert seen[0][0] == "pays-de-grasse" and seen[0][2] == {} and seen[0][1].tzinfo is not None


def test_legal_pages_say_who_publishes_and_how_to_exercise_rights(client, territory):
    territory.contact_email = "animation@paysdegrasse.test"
    territory.settings = {
        "host_name": "Hébergeur Exemple SAS",
        "host_address": "1 rue de l'Exemple, 06000 Nice",
    }
    territory.save()
    notice = html_of(client.get("/mentions-legales/"))
    assert "Hébergeur Exemple SAS" in notice and "Pays de Grasse" in notice
    privacy = html_of(client.get("/donnees-personnelles/"))
    for words in (
        "Base légale",
        "Combien de temps",
        "Mon espace",
        "Exporter mes données</a>",
        "Supprimer mon compte</a>",
        "CNIL",
        "animation@paysdegrasse.test",
        "lettre d'information",
        "feuille d'émargement",
    ):
        assert words in privacy, words
    assert 'href="/compte/mon-espace/"' in privacy
    assert 'href="/compte/mon-espace/mes-donnees/"' in privacy
    assert 'href="/compte/mon-espace/supprimer-mon-compte/"' in privacy
    accessibility = html_of(client.get("/accessibilite/"))
    for words in (
        "non conforme",
        "aucun audit",
        "au clavier seul",
        "Défenseur des droits",
        "Voies de recours",
        "RGAA",
        "animation@paysdegrasse.test",
    ):
        assert words in accessibility, words


def test_legal_notice_has_sensible_text_when_nothing_is_set(client, territory):
    notice = html_of(client.get("/mentions-legales/"))
    assert "non renseigné par l&#x27;administrateur du site" in notice


def test_sitemap_lists_the_menu_and_the_legal_pages(client, territory):
    html = html_of(client.get("/plan-du-site/"))
    for url in ("/", "/mentions-legales/", "/donnees-personnelles/", "/accessibilite/"):
        assert f'href="{url}"' in html


# --- components (includes) -----------------------------------------------------------------------


def _render_include(source: str, path: str = "/structures/", **context) -> str:
    return engines["django"].from_string(source).render(context, request=RequestFactory().get(path))


def test_pagination_keeps_the_other_query_parameters():
    page_obj = Paginator(list(range(95)), 10).page(5)
    html = _render_include(
        '{% include "includes/pagination.html" %}', "/structures/?q=scop&page=5", page_obj=page_obj
    )
    assert 'aria-label="Pagination"' in html
    assert 'href="?q=scop&amp;page=4" rel="prev"' in html and 'href="?q=scop&amp;page=6" rel="next"' in html
    assert '<span aria-current="page"><span class="visually-hidden">Page </span>5</span>' in html
    assert "Page 5 sur 10 · 95 résultats" in html


def test_pagination_is_absent_on_a_single_page():
    page_obj = Paginator([1, 2], 10).page(1)
    assert _render_include('{% include "includes/pagination.html" %}', page_obj=page_obj).strip() == ""


def test_sort_header_announces_the_current_order():
    source = '{% include "includes/sort_header.html" with label="Nom" key="name" current=current %}'
    ascending = _render_include(source, "/structures/?tri=name&page=3", current="name")
    assert 'aria-sort="ascending"' in ascending and 'href="?tri=-name"' in ascending
    other = _render_include(source, "/structures/?tri=commune", current="commune")
    assert "aria-sort" not in other and 'href="?tri=name"' in other


def test_breadcrumbs_and_empty_state():
    html = _render_include(
        '{% include "includes/breadcrumbs.html" with items=items %}'
        '{% include "includes/empty_state.html" with title="Aucune structure" text="Créez la première." %}',
        items=[("Accueil", "/"), ("Annuaire", None)],
    )
    assert '<a href="/">Accueil</a>' in html and '<span aria-current="page">Annuaire</span>' in html
    assert "Aucune structure" in html and "Créez la première." in html and "button" not in html


# --- theme -----------------------------------------------------------------------------------------


def test_theme_css_serves_the_territory_accent_with_an_etag(client, territory, other_territory):
    territory.accent_color = "#8C3B1E"
    territory.save()
    other_territory.accent_color = "#2b6a4a"
    other_territory.save()
    response = client.get("/theme.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert response.content.decode() == ":root{--accent:#8c3b1e;}\n"
    assert "max-age" in response["Cache-Control"]
    etag = response["ETag"]
    assert client.get("/theme.css", HTTP_IF_NONE_MATCH=etag).status_code == 304
    other = client.get("/theme.css", HTTP_HOST="autre.testserver")
    assert "#2b6a4a" in other.content.decode() and other["ETag"] != etag
    html = html_of(client.get("/"))
    assert '<link rel="stylesheet" href="/theme.css?v=8c3b1e">' in html


def test_theme_css_never_echoes_anything_but_a_colour(client, territory):
    type(territory).objects.filter(pk=territory.pk).update(accent_color="red;}")
    assert (
        client.get("/theme.css").content.decode()
        == f":root{{--accent:{django_settings.MAILLAGE_ACCENT_COLOR};}}\n"
    )


# --- error pages -----------------------------------------------------------------------------------


def test_404_is_french_and_keeps_the_layout(client, territory):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    html = html_of(response)
    assert "Page introuvable" in html and "Revenir à l'accueil" in html
    assert '<main id="contenu"' in html


def test_403_is_french(rf, territory):
    request = rf.get("/quelque-part/")
    request.territory = territory
    request.user = AnonymousUser()
    response = views.error_403(request, PermissionDenied())
    assert response.status_code == 403
    html = response.content.decode()
    assert "Accès refusé" in html and "Connectez-vous" in html
    assert "/compte/login/?next=/quelque-part/" in html


def test_csrf_failure_page_is_french(territory):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/", {"x": "1"})
    assert response.status_code == 403
    html = html_of(response)
    assert "Le formulaire a expiré" in html and "cookies" in html


def test_500_renders_without_database_or_context_processors():
    # No `db` fixture: any query would fail the test. No territory, no user on the request.
    request = RequestFactory().get("/")
    response = views.error_500(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Une erreur est survenue" in html and '<html lang="fr">' in html
    assert "maillage.css" in html


def test_500_handler_is_used_for_an_uncaught_error(client, territory, monkeypatch):
    def boom(request):
        raise RuntimeError("panne")

    monkeypatch.setattr(views, "upcoming_blocks", boom)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "Une erreur est survenue" in html_of(response)


# --- CSP -------------------------------------------------------------------------------------------


def test_csp_header_is_strict(client, territory):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp


def test_csp_includes_the_tile_host_only_when_set():
    without = build_csp("")
    assert without["DIRECTIVES"]["img-src"] == ["'self'", "data:"]
    with_tiles = build_csp("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png")
    assert "https://*.tile.openstreetmap.org" in with_tiles["DIRECTIVES"]["img-src"]
    plain = build_csp("https://tuiles.exemple.fr/{z}/{x}/{y}.png")
    assert "https://tuiles.exemple.fr" in plain["DIRECTIVES"]["img-src"]
    for policy in (without, with_tiles, plain):
        assert policy["DIRECTIVES"]["script-src"] == ["'self'"]
        assert policy["DIRECTIVES"]["connect-src"] == ["'self'"]


def test_csp_header_carries_the_tile_host_when_configured(client, territory, settings):
    assert "tuiles.exemple.fr" not in client.get("/")["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = build_csp("https://tuiles.exemple.fr/{z}/{x}/{y}.png")
    assert "img-src 'self' data: https://tuiles.exemple.fr" in client.get("/")["Content-Security-Policy"]


# --- templates stay CSP-clean ----------------------------------------------------------------------

_DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class _InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        values = dict(attrs)
        if "style" in names:
            self.problems.append(f"style attribute on <{tag}>")
        if any(name.startswith("on") for name in names):
            self.problems.append(f"event-handler attribute on <{tag}>")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script" and not values.get("src") and values.get("type") not in _DATA_SCRIPT_TYPES:
            self.problems.append("<script> without src")
        if tag == "a" and (values.get("href") or "").strip().lower().startswith("javascript:"):
            self.problems.append("javascript: link")


def _project_templates() -> list[Path]:
    # Mail templates are exempt: e-mail clients need inline styles, and no CSP applies to a message.
    return sorted(
        p for p in (ROOT / "maillage").rglob("templates/**/*.html") if not {"vendor", "mail"} & set(p.parts)
    )


def test_base_template_has_no_inline_script_or_style():
    finder = _InlineFinder()
    finder.feed((ROOT / "maillage" / "templates" / "base.html").read_text(encoding="utf-8"))
    assert not finder.problems


def test_no_template_has_inline_script_or_style():
    templates = _project_templates()
    assert len(templates) > 10
    problems = []
    for path in templates:
        source = path.read_text(encoding="utf-8")
        # Template tags may sit inside a tag's attributes: neutralise them before parsing.
        source = re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", " ", source, flags=re.S)
        finder = _InlineFinder()
        finder.feed(source)
        problems += [f"{path.relative_to(ROOT)}: {p}" for p in finder.problems]
        if re.search(r"\bstyle\s*=", source):
            problems.append(f"{path.relative_to(ROOT)}: style=")
    assert not problems, "\n".join(problems)


def test_the_inline_finder_catches_what_it_must():
    finder = _InlineFinder()
    finder.feed(
        '<p style="color:red"></p><script>alert(1)</script><button onclick="x()"></button><style></style>'
        '<script type="application/ld+json">{}</script><script src="/static/x.js"></script>'
    )
    assert finder.problems == [
        "style attribute on <p>",
        "<script> without src",
        "event-handler attribute on <button>",
        "<style> element",
    ]


# --- the palette's contrast ------------------------------------------------------------------------


def _css_variables() -> dict[str, str]:
    css = (ROOT / "maillage" / "static" / "css" / "maillage.css").read_text(encoding="utf-8")
    root = css[css.index(":root {") : css.index("}", css.index(":root {"))]
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", root))


def test_palette_contrast():
    v = _css_variables()
    text_pairs = [
        ("text", "bg"),
        ("text", "bg-alt"),
        ("text", "bg-warm"),
        ("text-muted", "bg"),
        ("text-muted", "bg-alt"),
        ("text-muted", "bg-warm"),
        ("accent", "bg"),
        ("accent", "bg-alt"),
        ("accent", "bg-warm"),
        ("accent-text", "accent"),
        ("success-text", "success-bg"),
        ("error-text", "error-bg"),
        ("warning-text", "warning-bg"),
        ("info-text", "info-bg"),
        ("error-text", "bg"),
        ("text", "info-bg"),
        ("text", "error-bg"),
    ]
    for fg, bg in text_pairs:
        assert contrast_ratio(v[fg], v[bg]) >= 4.5, (fg, bg, contrast_ratio(v[fg], v[bg]))
    for ui, bg in [("focus", "bg"), ("focus", "bg-alt"), ("focus", "bg-warm"), ("border-strong", "bg")]:
        assert contrast_ratio(v[ui], v[bg]) >= 3, (ui, bg)


@pytest.mark.parametrize("accent", ["#8c3b1e", "#2b6a4a", "#1f5f8b"])
def test_demo_accents_reach_4_5_on_every_page_background(accent):
    v = _css_variables()
    for bg in ("bg", "bg-alt", "bg-warm"):
        assert contrast_ratio(accent, v[bg]) >= 4.5


# --- in the browser: 360 px, the disclosure menu, the focus ring --------------------------------------


@pytest.mark.browser
def test_at_360_px_the_menu_collapses_and_nothing_scrolls_sideways(new_context):
    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    for url in CORE_PAGES:
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, url
    page.goto("/")
    toggle = page.locator("[data-menu-toggle]")
    nav = page.locator("#navigation-principale")
    assert toggle.is_visible() and not nav.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert nav.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert not nav.is_visible() and toggle.get_attribute("aria-expanded") == "false"


@pytest.mark.browser
def test_at_1280_px_the_menu_shows_without_a_button(new_context):
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.goto("/")
    assert page.locator("#navigation-principale").is_visible()
    assert not page.locator("[data-menu-toggle]").is_visible()


@pytest.mark.browser
def test_keyboard_focus_ring_is_visible(new_context):
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return {style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"
    )
    assert outline["style"] != "none" and outline["width"] >= 2, outline
