from maillage.api import privacy, services
from maillage.core.registry import (
    ANIMATOR_ONLY,
    PUBLIC,
    MenuEntry,
    PageSpec,
    PersonalDataHook,
    registry,
    statuses,
)

# A form's target (POST only): a GET is refused once signed in, and sends the anonymous to log in.
POST_ONLY = statuses(anonymous=302, member=405, manager_other=405, animator_other=405, animator=405)


def register() -> None:
    registry.add_page(PageSpec(name="api_pages:reference", example_url=lambda ctx: "/api/", expected=PUBLIC))
    registry.add_page(
        PageSpec(
            name="api_pages:keys",
            example_url=lambda ctx: "/api/cles/",
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        )
    )
    registry.add_page(
        PageSpec(
            name="api_pages:revoke_key",
            example_url=lambda ctx: "/api/cles/1/revoquer/",
            expected=POST_ONLY,
            kind="api",
        )
    )
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
    registry.add_page(
        PageSpec(name="api:figures", example_url=lambda ctx: "/api/v1/chiffres", expected=PUBLIC, kind="api")
    )
    registry.add_menu(
        MenuEntry(
            key="api_keys", label="Clés d'API", url_name="api_pages:keys", order=95, audience="animator"
        )
    )
    registry.add_personal_data(
        PersonalDataHook(
            key="api",
            models=("api.ApiKey",),
            label="Clés d'API",
            export=privacy.export_person,
            erase=services.erase_person,
            retention=privacy.expire_revoked_keys,
            retention_text="Une clé d'API et l'adresse de son titulaire sont gardées tant que la clé sert, "
            f"puis {privacy.revoked_key_retention().days} jours après sa révocation ; "
            "l'effacement du compte de même adresse révoque la clé et retire l'adresse.",
        )
    )
