from maillage.core.registry import SIGNED_IN, MenuEntry, PageSpec, RoleSpec, registry


def register() -> None:
    registry.add_menu(MenuEntry(key="my_space", label="Mon espace", url_name="accounts:my_space", order=900,
                                audience="authenticated"))
    registry.add_role(RoleSpec(key="animator", label="Animateur ou animatrice du contrat", app="accounts"))
    registry.add_role(RoleSpec(key="moderator", label="Modérateur ou modératrice", app="accounts"))
    registry.add_page(PageSpec(name="accounts:my_space", example_url=lambda ctx: "/compte/mon-espace/",
                               expected=SIGNED_IN, axe_as="member"))
