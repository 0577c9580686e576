from maillage.core.registry import PUBLIC, MenuEntry, PageSpec, registry


def register() -> None:
    registry.add_menu(MenuEntry(key="structures", label="Annuaire des acteurs", url_name="actors:list", order=10))
    registry.add_page(PageSpec(name="actors:list", example_url=lambda ctx: "/structures/", expected=PUBLIC))
    registry.add_page(PageSpec(name="actors:detail", example_url=lambda ctx: f"/structures/{ctx.structure.slug}/",
                               expected=PUBLIC))
