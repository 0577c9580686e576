from maillage.actors import demo, personal_data
from maillage.core.registry import PUBLIC, DemoLoader, MenuEntry, PageSpec, registry


def register() -> None:
    registry.add_menu(
        MenuEntry(key="structures", label="Annuaire des acteurs", url_name="actors:list", order=10)
    )
    registry.add_page(PageSpec(name="actors:list", example_url=lambda ctx: "/structures/", expected=PUBLIC))
    registry.add_page(
        PageSpec(
            name="actors:detail",
            example_url=lambda ctx: f"/structures/{ctx.structure.slug}/",
            expected=PUBLIC,
        )
    )
    # Personal data (memberships) and the demo managers' structures.
    registry.add_personal_data(personal_data.HOOK)
    registry.add_demo_loader(DemoLoader(key="actors_demo_managers", load=demo.load, order=25))
