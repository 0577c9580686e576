"""What the charter app brings to the registry: pages, menu, and (below) its metric, link targets,
content provider, personal-data hook and demo loader."""

from __future__ import annotations

from maillage.charter import demo, integrations, my_space
from maillage.charter.examples import example_charter
from maillage.charter.selectors import signatory_structure_ids
from maillage.core.registry import (
    ANIMATOR_ONLY,
    PUBLIC,
    SIGNED_IN,
    ContentProvider,
    DemoLoader,
    LinkTarget,
    MenuEntry,
    Metric,
    NotificationKind,
    PageSpec,
    PersonalDataHook,
    StructureBadge,
    registry,
    statuses,
)

CONTRIBUTORS = statuses(anonymous=302, member=200, manager_other=200, animator_other=403, animator=200)
WITHDRAWERS = statuses(anonymous=302, member=403, manager_other=403, animator_other=403, animator=200)


def _pages() -> list[PageSpec]:
    def with_charter(build):
        def example(ctx):
            objects = example_charter(ctx)
            return build(ctx, objects)

        return example

    return [
        PageSpec(name="charter:home", example_url=with_charter(lambda c, o: "/charte/"), expected=PUBLIC),
        PageSpec(
            name="charter:version", example_url=with_charter(lambda c, o: "/charte/v1/"), expected=PUBLIC
        ),
        PageSpec(
            name="charter:diff",
            example_url=with_charter(lambda c, o: "/charte/comparer/?de=1&a=2"),
            expected=PUBLIC,
        ),
        PageSpec(
            name="charter:pdf",
            example_url=with_charter(lambda c, o: "/charte/v1/pdf/"),
            expected=PUBLIC,
            kind="file",
        ),
        PageSpec(
            name="charter:signatories",
            example_url=with_charter(lambda c, o: "/charte/signataires/"),
            expected=PUBLIC,
        ),
        PageSpec(
            name="charter:signatories_csv",
            example_url=with_charter(lambda c, o: "/charte/signataires.csv"),
            expected=PUBLIC,
            kind="file",
        ),
        PageSpec(
            name="charter:structure",
            example_url=with_charter(lambda c, o: f"/charte/signataires/{c.structure.slug}/"),
            expected=PUBLIC,
        ),
        PageSpec(
            name="charter:certificate",
            example_url=with_charter(
                lambda c, o: f"/charte/signataires/{c.structure.slug}/attestation-v1.pdf"
            ),
            expected=PUBLIC,
            kind="file",
        ),
        PageSpec(
            name="charter:sign",
            example_url=with_charter(lambda c, o: "/charte/v1/signer/"),
            expected=SIGNED_IN,
            axe_as="manager_other",
        ),
        PageSpec(
            name="charter:withdraw",
            example_url=with_charter(lambda c, o: f"/charte/signatures/{o['signature'].pk}/retirer/"),
            expected=WITHDRAWERS,
            axe_as="animator",
        ),
        PageSpec(
            name="charter:manage",
            example_url=with_charter(lambda c, o: "/charte/gestion/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="charter:version_edit",
            example_url=with_charter(lambda c, o: "/charte/gestion/v2/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="charter:transition",
            example_url=with_charter(lambda c, o: "/charte/gestion/v2/adopted/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="charter:article_edit",
            example_url=with_charter(lambda c, o: f"/charte/gestion/articles/{o['article'].pk}/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="charter:article",
            example_url=with_charter(lambda c, o: f"/charte/v2/articles/{o['article'].pk}/"),
            expected=CONTRIBUTORS,
            axe_as="member",
        ),
        PageSpec(
            name="charter:amendment",
            example_url=with_charter(lambda c, o: f"/charte/amendements/{o['amendment'].pk}/"),
            expected=CONTRIBUTORS,
            axe_as="manager_other",
        ),
        *[
            PageSpec(name=name, example_url=with_charter(lambda c, o, u=url: u), expected=PUBLIC, kind="api")
            for name, url in (
                ("api:charter", "/api/v1/charte"),
                ("api:charter_versions", "/api/v1/charte/versions"),
                ("api:charter_version", "/api/v1/charte/versions/1"),
                ("api:charter_signatories", "/api/v1/charte/signataires"),
            )
        ],
    ]


def register() -> None:
    registry.add_menu(MenuEntry(key="charter", label="Charte", url_name="charter:home", order=30))
    registry.add_my_space_section(my_space.PROVIDER)
    for page in _pages():
        registry.add_page(page)
    registry.add_metric(
        Metric(
            key="charter_signatories",
            label="Structures signataires de la charte (toute version)",
            unit="structures",
            compute=integrations.count_signatories,
            description="Structures dont une signature de la charte (toute version) était active "
            "sur la période.",
        )
    )
    registry.add_link_target(
        LinkTarget(
            key="charter",
            label="La charte",
            model="charter.Charter",
            choices=integrations.charter_choices,
            url=integrations.charter_url,
        )
    )
    registry.add_link_target(
        LinkTarget(
            key="charter_version",
            label="Une version de la charte",
            model="charter.CharterVersion",
            choices=integrations.version_choices,
            url=integrations.version_url,
        )
    )
    registry.add_content_provider(
        ContentProvider(
            key="charter_latest_signatories",
            label="Derniers signataires de la charte",
            build=integrations.latest_signatories_block,
        )
    )
    registry.add_structure_badge(
        StructureBadge(
            key="charter",
            label="Signataire de la charte en vigueur",
            structure_ids=signatory_structure_ids,
            kind="charter",
            order=10,
        )
    )
    registry.add_notification_kind(
        NotificationKind(key="charter_resign", label="Invitation à signer la nouvelle version de la charte")
    )
    registry.add_notification_kind(
        NotificationKind(key="charter_amendment_decided", label="Décision sur un amendement à la charte")
    )
    registry.add_personal_data(
        PersonalDataHook(
            key="charter",
            retention_text="la signature, engagement de la structure, reste (le nom est anonymisé à "
            "l'effacement du compte) ; commentaires et soutiens sont supprimés avec le compte",
            models=("charter.Signature", "charter.Comment", "charter.Amendment", "charter.AmendmentSupport"),
            label="Signatures de la charte, commentaires et amendements",
            export=integrations.export_signatures,
            erase=integrations.erase_signatures,
            order=60,
        )
    )
    registry.add_demo_loader(DemoLoader(key="charter_demo", load=demo.load, order=50))
