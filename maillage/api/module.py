from maillage.core.registry import PUBLIC, PageSpec, registry


def register() -> None:
    registry.add_page(PageSpec(name="api_pages:reference", example_url=lambda ctx: "/api/", expected=PUBLIC))
    registry.add_page(
        PageSpec(
            name="api:docs",
            example_url=lambda ctx: "/api/v1/docs",
            expected=PUBLIC,
            kind="third_party_ui",
            accessible_alternative="api_pages:reference",
        )
    )
    registry.add_page(
        PageSpec(name="api:health", example_url=lambda ctx: "/api/v1/sante", expected=PUBLIC, kind="api")
    )
    registry.add_page(
        PageSpec(
            name="api:structures", example_url=lambda ctx: "/api/v1/structures", expected=PUBLIC, kind="api"
        )
    )
    registry.add_page(
        PageSpec(
            name="api:structure",
            kind="api",
            expected=PUBLIC,
            example_url=lambda ctx: f"/api/v1/structures/{ctx.structure.slug}",
        )
    )
