"""Each check of the quality harness fails on a page that breaks its rule.

This module is also the test-only URLconf (`ROOT_URLCONF = __name__`): a few broken pages in front of the
real ones (the login page the matrix expects redirects to stays reachable).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.urls import include, path

from maillage.core.registry import ANIMATOR_ONLY, PUBLIC, SIGNED_IN, PageSpec, registry, statuses
from tests.harness.matrix import check_page_permissions

_DOC = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Page de test</title></head>
<body><main><h1>Page de test</h1>{body}</main></body></html>"""

# A 1×1 transparent PNG: an image that loads, so only its missing text alternative is wrong.
_PIXEL = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def open_to_everyone(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_DOC.format(body="<p>Réservé à l'animation… en principe.</p>"))


def accessible(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_DOC.format(body="<p>Une page sans défaut.</p>"))


@login_required
def signed_in_only(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_DOC.format(body="<p>Pour les personnes connectées.</p>"))


def redirects_home(request: HttpRequest) -> HttpResponse:
    return redirect("/") if not request.user.is_authenticated else HttpResponse(_DOC.format(body=""))


def image_without_alt(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_DOC.format(body=f'<img src="{_PIXEL}" width="10" height="10">'))


def input_without_label(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_DOC.format(body='<form><input type="text" name="nom"></form>'))


def unknown_variable(request: HttpRequest) -> HttpResponse:
    template = engines["django"].from_string("<p>{{ variable_qui_n_existe_pas }}</p>")
    return HttpResponse(template.render({}, request))


urlpatterns = [
    path("casse/ouverte/", open_to_everyone),
    path("casse/correcte/", accessible),
    path("casse/connecte/", signed_in_only),
    path("casse/accueil/", redirects_home),
    path("casse/image/", image_without_alt),
    path("casse/champ/", input_without_label),
    path("casse/variable/", unknown_variable),
    path("", include("config.urls")),
]


@pytest.fixture
def broken_urls(settings):
    settings.ROOT_URLCONF = __name__


# --- (a) the permission matrix --------------------------------------------------------------------------
def test_matrix_reports_an_animator_only_page_open_to_everyone(broken_urls, example_ctx):
    with registry.override() as fake:
        fake.add_page(
            PageSpec(name="casse:ouverte", example_url=lambda ctx: "/casse/ouverte/", expected=ANIMATOR_ONLY)
        )
        failures = check_page_permissions(fake.pages["casse:ouverte"], example_ctx)
    # Everyone but the animator got 200 instead of the declared 302/403.
    assert len(failures) == 4, failures
    assert any("as anonymous" in f and "gave 200, declared 302" in f for f in failures)
    assert any("as member" in f and "gave 200, declared 403" in f for f in failures)
    assert not any("as animator:" in f for f in failures)


def test_matrix_accepts_a_page_that_keeps_its_rule(broken_urls, example_ctx):
    spec = PageSpec(name="casse:ouverte", example_url=lambda ctx: "/casse/ouverte/", expected=PUBLIC)
    assert check_page_permissions(spec, example_ctx) == []


def test_matrix_checks_where_a_redirect_leads(broken_urls, example_ctx):
    # A signed-in-only page sends anonymous visitors to the login page: declared 302, fine…
    spec = PageSpec(name="casse:connecte", example_url=lambda ctx: "/casse/connecte/", expected=SIGNED_IN)
    assert check_page_permissions(spec, example_ctx) == []
    # …a 302 elsewhere than the login page is reported…
    spec = PageSpec(name="casse:accueil", example_url=lambda ctx: "/casse/accueil/", expected=SIGNED_IN)
    assert check_page_permissions(spec, example_ctx) == [
        "casse:accueil as anonymous: GET /casse/accueil/ 302 to '/', expected the login page '/compte/login/'"
    ]
    # …and so is a page declared signed-in only that answers 200 to anonymous visitors.
    spec = PageSpec(name="casse:ouverte", example_url=lambda ctx: "/casse/ouverte/", expected=SIGNED_IN)
    assert check_page_permissions(spec, example_ctx) == [
        "casse:ouverte as anonymous: GET /casse/ouverte/ gave 200, declared 302"
    ]


def test_matrix_reports_a_page_that_crashes(broken_urls, example_ctx):
    spec = PageSpec(name="casse:variable", example_url=lambda ctx: "/casse/variable/", expected=PUBLIC)
    failures = check_page_permissions(spec, example_ctx)
    assert len(failures) == 5
    assert all("Variable de gabarit inconnue" in f for f in failures)


def test_an_unregistered_view_is_reported():
    from tests.test_permission_matrix import unregistered_views

    assert unregistered_views() == []
    with registry.override():
        missing = unregistered_views()
    assert "core:home ()" in missing and "actors:detail (<slug:slug>/)" in missing


def test_matrix_declarations_must_cover_every_role():
    from maillage.core.registry import RegistryError

    with pytest.raises(RegistryError):
        PageSpec(name="casse:incomplete", example_url=lambda ctx: "/", expected={"anonymous": 200})
    assert (
        statuses(anonymous=302, member=403, manager_other=403, animator_other=403, animator=200)
        == ANIMATOR_ONLY
    )


# --- (b) the accessibility check ------------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.parametrize(
    ("path", "rule"), [("/casse/image/", "image-alt"), ("/casse/champ/", "label")], ids=["img-alt", "label"]
)
def test_axe_reports_a_page_with_a_violation(broken_urls, example_ctx, new_context, path, rule):
    from tests.browser.axe import check_page_accessibility

    with registry.override() as fake:
        fake.add_page(PageSpec(name="casse:a11y", example_url=lambda ctx: path, expected=PUBLIC))
        problems = check_page_accessibility(fake.pages["casse:a11y"], example_ctx, new_context=new_context)
    # Checked as anonymous and as the first signed-in role: both report the rule.
    assert len(problems) == 2, problems
    assert all(f"- {rule} (" in p for p in problems), problems


@pytest.mark.browser
def test_axe_accepts_an_accessible_page(broken_urls, example_ctx, new_context):
    from tests.browser.axe import check_page_accessibility

    spec = PageSpec(name="casse:correcte", example_url=lambda ctx: "/casse/correcte/", expected=PUBLIC)
    assert check_page_accessibility(spec, example_ctx, new_context=new_context) == []


# --- (c) an unknown template variable -------------------------------------------------------------------
def test_unknown_template_variable_fails_the_test(broken_urls, client, territory):
    with pytest.raises(AssertionError, match="Variable de gabarit inconnue"):
        client.get("/casse/variable/")
