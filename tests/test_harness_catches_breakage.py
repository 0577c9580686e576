"""Each check of the quality harness fails on a page that breaks its rule.

This module is also the test-only URLconf (`ROOT_URLCONF = __name__`): a few broken pages in front of the
real ones (the login page the matrix expects redirects to stays reachable).
"""

from __future__ import annotations

import textwrap
from types import SimpleNamespace

import pytest
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.urls import include, path

from maillage.core.registry import ANIMATOR_ONLY, PUBLIC, SIGNED_IN, PageSpec, registry, statuses
from tests.architecture import checks
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


# --- (d) the architecture rules of issue #13 (tests/architecture/checks.py) -------------------------------
def _tree(tmp_path, files: dict[str, str]) -> list[checks.Source]:
    """A tiny `maillage/` package in tmp_path with these modules (path relative to maillage/ → source)."""
    for rel, text in {"__init__.py": "", **files}.items():
        path = tmp_path / "maillage" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(tmp_path).parents:
            init = tmp_path / parent / "__init__.py"
            if parent.parts and not init.exists():
                init.write_text("")
        path.write_text(textwrap.dedent(text))
    return checks.sources(tmp_path)


_MODELS = """
    from django.db import models

    class Gathering(models.Model):
        status = models.CharField(max_length=20)
        guests = models.ManyToManyField("accounts.User", related_name="gatherings")
"""


def test_a_write_outside_services_is_reported(tmp_path):
    tree = _tree(
        tmp_path,
        {
            "fete/models.py": _MODELS,
            "fete/services.py": """
                from maillage.fete.models import Gathering

                def open_gathering(*, actor, gathering):
                    gathering.save()
                    Gathering.objects.filter(pk=gathering.pk).update(status="open")
            """,
            "fete/views.py": """
                from maillage.fete.models import Gathering

                def view(request, context, gathering):
                    context.update({"a": 1})          # a dict: not a write
                    Gathering.objects.create(status="draft")
                    Gathering.objects.filter(status="x").update(status="y")
                    gathering.save(update_fields=["status"])
                    gathering.guests.add(request.user)
                    gathering.image.save("a.png", b"")  # a file: not a write
            """,
            "fete/demo.py": """
                def load(gathering):
                    gathering.delete()
            """,
        },
    )
    assert checks.writes_outside_services(tree) == [
        "maillage/fete/demo.py:3: gathering.delete(…) outside services",
        "maillage/fete/views.py:6: Gathering.objects.create(…) outside services",
        "maillage/fete/views.py:7: Gathering.objects.filter(status='x').update(…) outside services",
        "maillage/fete/views.py:8: gathering.save(…) outside services",
        "maillage/fete/views.py:9: gathering.guests.add(…) outside services",
    ]


def test_a_write_of_another_app_model_in_services_is_reported(tmp_path):
    tree = _tree(
        tmp_path,
        {
            "fete/models.py": _MODELS,
            "bal/models.py": "",
            "bal/services.py": """
                from maillage.fete.models import Gathering

                def close_all(*, actor):
                    Gathering.objects.all().update(status="closed")
            """,
        },
    )
    assert checks.writes_outside_services(tree) == [
        "maillage/bal/services.py:5: Gathering.objects.all().update(…) writes a model of « fete » in the "
        "services of « bal »"
    ]


def test_a_module_over_600_lines_is_reported(tmp_path):
    tree = _tree(tmp_path, {"fete/views.py": "x = 1\n" * 601, "fete/forms.py": "x = 1\n" * 600})
    assert checks.long_modules(tree) == ["maillage/fete/views.py:601: 601 lines (at most 600)"]


def _model_description(label: str, field_names: list[str]) -> type:
    """What the machine check reads of a model (`_meta`), without declaring a model in the app registry."""
    app_label, name = label.split(".")
    meta = SimpleNamespace(
        abstract=False,
        proxy=False,
        label=label,
        label_lower=label.lower(),
        get_fields=lambda: [SimpleNamespace(name=f, is_relation=False) for f in field_names],
    )
    return type(name, (), {"_meta": meta, "__module__": f"maillage.{app_label}.models"})


class _TransitionLog:
    """Stands for core.machines.TransitionLog (a real subclass would be a model of the app registry)."""


class _GatheringTransition(_TransitionLog):
    pass


class _NotALog:
    """A log model that is not built on the TransitionLog."""


def test_a_status_field_without_machine_or_with_a_foreign_log_is_reported():
    from maillage.core.machines import Machine

    gathering = _model_description("fete.Gathering", ["id", "title", "state"])
    untouched = _model_description("fete.Venue", ["id", "name"])
    logs = {"fete.GatheringLog": _NotALog, "fete.GatheringTransition": _GatheringTransition}

    def machine(log: str) -> Machine:
        return Machine(model="fete.Gathering", moves={"a": set()}, log=log, field="state")

    def check(machines: dict[str, Machine]) -> list[str]:
        return checks.models_without_machine(
            [gathering, untouched], machines, resolve_log=logs.__getitem__, log_base=_TransitionLog
        )

    assert check({}) == ["maillage/fete/models.py:0: fete.Gathering.state has no registered machine"]
    assert check({"fete.gathering.state": machine("fete.GatheringLog")}) == [
        "maillage/fete/models.py:0: fete.gathering.state: its log fete.GatheringLog is not a core "
        "TransitionLog"
    ]
    assert check({"fete.gathering.state": machine("fete.GatheringTransition")}) == []


def test_an_import_module_of_maillage_is_reported(tmp_path):
    tree = _tree(
        tmp_path,
        {
            "fete/services.py": """
                import importlib
                from importlib import import_module

                def later():
                    return import_module("maillage.fete.tasks").run

                def elsewhere(name):
                    importlib.import_module(f"maillage.{name}.module")
                    __import__("maillage.fete.tasks")
                    import_module("json")  # not ours
            """
        },
    )
    assert checks.dynamic_imports(tree) == [
        "maillage/fete/services.py:6: import_module('maillage.fete.tasks'…) hides an import",
        "maillage/fete/services.py:9: import_module('maillage.'…) hides an import",
        "maillage/fete/services.py:10: __import__('maillage.fete.tasks'…) hides an import",
    ]


def test_an_import_cycle_inside_an_app_is_reported(tmp_path):
    tree = _tree(
        tmp_path,
        {
            "fete/importers.py": "from maillage.fete.services import open_gathering\n",
            "fete/services.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n"
                "    from maillage.fete.views import view  # type-only: no cycle\n"
                "def open_gathering():\n"
                "    from maillage.fete import importers  # hidden in a function: still a cycle\n"
            ),
            "fete/views.py": "from maillage.fete import services\n",
        },
    )
    assert checks.cycles_inside_apps(tree) == [
        "maillage/fete/importers.py:1: imports maillage.fete.services "
        "(cycle: maillage.fete.importers ↔ maillage.fete.services)",
        "maillage/fete/services.py:5: imports maillage.fete.importers "
        "(cycle: maillage.fete.importers ↔ maillage.fete.services)",
    ]


def test_a_service_with_an_untyped_actor_is_reported(tmp_path):
    tree = _tree(
        tmp_path,
        {
            "fete/services/__init__.py": "from maillage.fete.services.gatherings import open_gathering\n",
            "fete/services/gatherings.py": """
                from typing import Any

                from maillage.core.actors import Actor

                def open_gathering(*, actor: Any, gathering):
                    pass

                def close_gathering(*, actor: Actor | None = None, gathering):
                    pass

                def cancel_gathering(*, actor: Actor, gathering):
                    pass
            """,
            "fete/views.py": "def view(request, actor=None):\n    pass\n",  # not a service
        },
    )
    assert checks.untyped_actors(tree) == [
        "maillage/fete/services/gatherings.py:6: open_gathering(): actor: Any",
        "maillage/fete/services/gatherings.py:9: close_gathering(): actor defaults to None",
        "maillage/fete/services/gatherings.py:9: close_gathering(): actor: Actor | None (never None: SYSTEM "
        "or a user)",
    ]


def test_a_rules_module_or_a_rule_declared_elsewhere_is_reported(tmp_path):
    tree = _tree(
        tmp_path,
        {
            "fete/rules.py": "import rules\n",
            "fete/permissions.py": """
                import rules

                @rules.predicate
                def is_host(user, gathering):
                    return True

                rules.add_perm("fete.open_gathering", is_host)
            """,
            "fete/views.py": """
                import rules
                from rules import predicate

                @predicate
                def is_guest(user, gathering):
                    return False

                rules.add_perm("fete.see_gathering", is_guest)
            """,
        },
    )
    assert checks.rules_outside_permissions(tree) == [
        "maillage/fete/rules.py:1: a rules.py module (the app's rules live in permissions.py)",
        "maillage/fete/views.py:5: predicate outside permissions.py",
        "maillage/fete/views.py:9: rules.add_perm outside permissions.py",
    ]


def test_an_admin_that_writes_by_itself_is_reported(tmp_path):
    tree = _tree(
        tmp_path,
        {
            "fete/admin.py": """
                from django.contrib import admin

                from maillage.fete import services
                from maillage.fete.models import Gathering, Guest, Venue


                class ReadOnlyInline(admin.TabularInline):
                    def has_add_permission(self, request, obj=None):
                        return False

                    def has_change_permission(self, request, obj=None):
                        return False

                    can_delete = False


                class LogInline(ReadOnlyInline):  # read-only by inheritance
                    model = Guest


                class GuestInline(admin.TabularInline):
                    model = Guest


                @admin.register(Gathering)
                class GatheringAdmin(admin.ModelAdmin):
                    inlines = [LogInline, GuestInline]


                @admin.register(Venue)
                class VenueAdmin(admin.ModelAdmin):
                    def has_add_permission(self, request):
                        return False

                    def save_model(self, request, obj, form, change):
                        services.save_venue(actor=request.user, venue=obj)

                    def delete_model(self, request, obj):
                        services.delete_venue(actor=request.user, venue=obj)


                admin.site.register(Guest)
            """
        },
    )
    assert checks.editable_admins(tree) == [
        "maillage/fete/admin.py:22: GuestInline lets the admin add/change/delete rows (refuse it with "
        "has_*_permission, or save through the services in the parent's save_formset)",
        "maillage/fete/admin.py:27: GatheringAdmin lets the admin add/change/delete directly (refuse it with "
        "has_*_permission, or define save_model/delete_model calling the services)",
        "maillage/fete/admin.py:43: Guest registered with an editable ModelAdmin",
    ]
