import datetime as dt

import pytest

from maillage.core.registry import (
    ANIMATOR_ONLY,
    PUBLIC,
    DemoLoader,
    MenuEntry,
    Metric,
    PageSpec,
    Registry,
    RegistryError,
    registry,
    statuses,
)


def test_every_app_registered_its_pages_in_the_real_registry():
    names = set(registry.pages)
    assert {"core:home", "actors:list", "actors:detail", "accounts:my_space", "api:structures"} <= names


def test_a_page_must_declare_every_matrix_role():
    with pytest.raises(RegistryError, match="no expected status"):
        PageSpec(name="x", example_url=lambda ctx: "/", expected={"anonymous": 200})


def test_registering_the_same_key_twice_with_another_value_fails():
    reg = Registry()
    reg.add_page(PageSpec(name="p", example_url=lambda ctx: "/", expected=PUBLIC))
    with pytest.raises(RegistryError, match="registered twice"):
        reg.add_page(PageSpec(name="p", example_url=lambda ctx: "/autre", expected=ANIMATOR_ONLY))


def test_override_swaps_in_a_test_double_and_restores_the_real_one():
    real_pages = dict(registry.pages)
    with registry.override() as double:
        assert registry.pages == {}
        double.add_metric(Metric(key="m", label="M", unit="", compute=lambda t, s, e: 3))
        assert registry.metric("m").compute(None, dt.date(2026, 1, 1), dt.date(2026, 2, 1)) == 3
    assert registry.pages == real_pages
    with pytest.raises(RegistryError):
        registry.metric("m")


def test_demo_loaders_run_in_declared_order():
    reg = Registry()
    reg.add_demo_loader(DemoLoader(key="b", load=lambda **kw: None, order=20))
    reg.add_demo_loader(DemoLoader(key="a", load=lambda **kw: None, order=10))
    reg.add_demo_loader(DemoLoader(key="c", load=lambda **kw: None, order=20))
    assert [d.key for d in reg.ordered_demo_loaders()] == ["a", "b", "c"]


def test_menu_respects_audience(rf, territory, member, animator):
    reg = Registry()
    reg.add_menu(MenuEntry(key="all", label="Tous", url_name="core:home"))
    reg.add_menu(
        MenuEntry(key="auth", label="Connectés", url_name="core:home", order=110, audience="authenticated")
    )
    reg.add_menu(
        MenuEntry(key="anim", label="Animation", url_name="core:home", order=120, audience="animator")
    )
    request = rf.get("/")
    request.territory = territory
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert [e.key for e in reg.menu_for(request)] == ["all"]
    request.user = member
    assert [e.key for e in reg.menu_for(request)] == ["all", "auth"]
    request.user = animator
    assert [e.key for e in reg.menu_for(request)] == ["all", "auth", "anim"]


def test_statuses_helper_requires_every_role():
    with pytest.raises(TypeError):
        statuses(anonymous=200)  # type: ignore[call-arg]


def test_a_third_party_ui_must_name_its_accessible_alternative():
    with pytest.raises(RegistryError, match="accessible alternative"):
        PageSpec(name="swagger", example_url=lambda ctx: "/", expected=PUBLIC, kind="third_party_ui")
    for spec in registry.pages.values():
        if spec.kind == "third_party_ui":
            alternative = registry.pages[spec.accessible_alternative]
            assert alternative.kind == "page"
