"""What core brings to the registry: the home page, legal pages."""

from maillage.core.registry import PUBLIC, MenuEntry, PageSpec, registry


def register() -> None:
    registry.add_menu(MenuEntry(key="home", label="Accueil", url_name="core:home", order=0))
    for name, url in [
        ("core:home", "/"),
        ("core:legal_notice", "/mentions-legales/"),
        ("core:privacy", "/donnees-personnelles/"),
        ("core:accessibility", "/accessibilite/"),
        ("core:sitemap", "/plan-du-site/"),
    ]:
        registry.add_page(PageSpec(name=name, example_url=lambda ctx, url=url: url, expected=PUBLIC))
