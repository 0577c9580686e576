"""What accounts brings to the registry: Mon espace, the allauth pages, roles, personal data, demo."""

from maillage.accounts import demo, personal_data, services
from maillage.core.actors import system
from maillage.core.registry import (
    ANIMATOR_ONLY,
    SIGNED_IN,
    DemoLoader,
    ExampleContext,
    PageSpec,
    RoleSpec,
    registry,
    statuses,
)

# allauth's login and sign-up pages send a signed-in person on (302); the password-reset page answers all.
ANONYMOUS_ONLY = statuses(anonymous=200, member=302, manager_other=302, animator_other=302, animator=302)
EVERYONE = statuses(anonymous=200, member=200, manager_other=200, animator_other=200, animator=200)


def _example_role(ctx: ExampleContext) -> int:
    """A moderator of the example territory (someone apart from the matrix's people)."""
    person = services.ensure_account(
        actor=system("exemple de page"), email="moderation-exemple@example.org", password=None
    )
    role = services.grant_territory_role(
        actor=system("exemple de page"), user=person, territory=ctx.territory, role="moderator"
    )
    return role.pk


def register() -> None:
    # « Mon espace » is in the header's account links (base.html), next to « Se déconnecter »: no entry in
    # the main menu, which would show it twice.
    registry.add_role(RoleSpec(key="animator", label="Animateur ou animatrice du contrat", app="accounts"))
    registry.add_role(RoleSpec(key="moderator", label="Modérateur ou modératrice", app="accounts"))

    registry.add_page(
        PageSpec(
            name="accounts:my_space",
            example_url=lambda ctx: "/compte/mon-espace/",
            expected=SIGNED_IN,
            axe_as="member",
        )
    )
    registry.add_page(
        PageSpec(name="accounts:team", example_url=lambda ctx: "/compte/equipe/", expected=ANIMATOR_ONLY)
    )
    registry.add_page(
        PageSpec(
            name="accounts:team_revoke",
            example_url=lambda ctx: f"/compte/equipe/{_example_role(ctx)}/retirer/",
            expected=ANIMATOR_ONLY,
        )
    )
    registry.add_page(
        PageSpec(
            name="accounts:edit_name",
            example_url=lambda ctx: "/compte/mon-espace/mon-nom/",
            expected=SIGNED_IN,
            axe_as="member",
        )
    )
    registry.add_page(
        PageSpec(
            name="accounts:export_data",
            example_url=lambda ctx: "/compte/mon-espace/mes-donnees/",
            expected=SIGNED_IN,
            kind="file",
        )
    )
    registry.add_page(
        PageSpec(
            name="accounts:erase_account",
            example_url=lambda ctx: "/compte/mon-espace/supprimer-mon-compte/",
            expected=SIGNED_IN,
            axe_as="member",
        )
    )
    # django-allauth's main pages (mounted at /compte/ by config/urls.py).
    registry.add_page(
        PageSpec(name="account_login", example_url=lambda ctx: "/compte/login/", expected=ANONYMOUS_ONLY)
    )
    registry.add_page(
        PageSpec(name="account_signup", example_url=lambda ctx: "/compte/signup/", expected=ANONYMOUS_ONLY)
    )
    registry.add_page(
        PageSpec(
            name="account_reset_password",
            example_url=lambda ctx: "/compte/password/reset/",
            expected=EVERYONE,
            axe_as="member",
        )
    )
    registry.add_page(
        PageSpec(
            name="account_email",
            example_url=lambda ctx: "/compte/email/",
            expected=SIGNED_IN,
            axe_as="member",
        )
    )
    registry.add_page(
        PageSpec(
            name="account_change_password",
            example_url=lambda ctx: "/compte/password/change/",
            expected=SIGNED_IN,
            axe_as="member",
        )
    )
    registry.add_page(
        PageSpec(
            name="mfa_index", example_url=lambda ctx: "/compte/2fa/", expected=SIGNED_IN, axe_as="animator"
        )
    )

    registry.add_personal_data(personal_data.HOOK)
    registry.add_demo_loader(DemoLoader(key="accounts", load=demo.load, order=20))
