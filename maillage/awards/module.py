"""What the Trophée brings to the registry: menu (under « Plus »), every page with its expected status per
role (the permission matrix and axe walk them), notification kinds, metrics for the plan, the lettre's
block, the laureate badge on the directory, personal data, and the demo loader."""

from __future__ import annotations

from maillage.awards import demo, integrations, selectors
from maillage.awards.examples import example_awards
from maillage.awards.services import privacy
from maillage.core.registry import (
    ANIMATOR_ONLY,
    PUBLIC,
    SIGNED_IN,
    ContentProvider,
    DemoLoader,
    MenuEntry,
    Metric,
    NotificationKind,
    PageSpec,
    PersonalDataHook,
    RoleSpec,
    StructureBadge,
    fixed_url,
    registry,
    statuses,
)

# The example member is tied to the example structure; both the member and the other structure's manager
# sit on the 2026 jury.
JURORS = statuses(anonymous=302, member=200, manager_other=200, animator_other=404, animator=404)
SCORERS = statuses(anonymous=302, member=404, manager_other=200, animator_other=404, animator=404)
# The pending proposal concerns the other structure: only its manager answers.
NOMINEE_MANAGERS = statuses(anonymous=302, member=403, manager_other=200, animator_other=403, animator=403)


def _with(build):
    def example(ctx):
        return build(ctx, example_awards(ctx))

    return example


def _pages() -> list[PageSpec]:
    return [
        PageSpec(name="awards:home", example_url=_with(lambda c, o: "/trophees/"), expected=PUBLIC),
        PageSpec(name="awards:edition", example_url=_with(lambda c, o: "/trophees/2026/"), expected=PUBLIC),
        PageSpec(
            name="awards:winners", example_url=_with(lambda c, o: "/trophees/2025/palmares/"), expected=PUBLIC
        ),
        PageSpec(
            name="awards:vote",
            example_url=_with(lambda c, o: f"/trophees/voter/{o['mine'].pk}/"),
            expected=PUBLIC,
        ),
        PageSpec(
            name="awards:vote_confirm",
            example_url=_with(lambda c, o: f"/trophees/vote/{o['vote_token']}/"),
            expected=PUBLIC,
        ),
        PageSpec(
            name="awards:nominate",
            example_url=_with(lambda c, o: "/trophees/2026/proposer/"),
            expected=SIGNED_IN,
            axe_as="manager_other",
        ),
        PageSpec(
            name="awards:consent",
            example_url=_with(lambda c, o: f"/trophees/proposition/{o['consent_token']}/"),
            expected=NOMINEE_MANAGERS,
            axe_as="manager_other",
        ),
        PageSpec(
            name="awards:jury",
            example_url=_with(lambda c, o: "/trophees/jury/2026/"),
            expected=JURORS,
            axe_as="member",
        ),
        PageSpec(
            name="awards:score",
            example_url=_with(lambda c, o: f"/trophees/jury/candidatures/{o['mine'].pk}/"),
            expected=SCORERS,
            axe_as="manager_other",
        ),
        *[
            PageSpec(
                name=f"awards:{name}",
                example_url=_with(lambda c, o, u=url: u),
                expected=ANIMATOR_ONLY,
                axe_as="animator",
            )
            for name, url in (
                ("manage", "/trophees/gestion/"),
                ("edition_manage", "/trophees/gestion/2026/"),
                ("results", "/trophees/gestion/2026/resultats/"),
                ("votes", "/trophees/gestion/2026/votes/"),
            )
        ],
    ]


NOTIFICATION_KINDS = (
    ("awards_consent", "Une structure que je gère est proposée au Trophée des initiatives responsables"),
    ("awards_consent_answer", "Réponse d'une structure que j'ai proposée au Trophée"),
    ("awards_jury", "Je fais partie du jury du Trophée"),
    ("awards_results", "Palmarès du Trophée : une structure que je gère est lauréate"),
)

METRICS = (
    (
        "awards_editions",
        "Éditions du Trophée des initiatives responsables tenues",
        "éditions",
        integrations.count_editions,
    ),
    ("awards_nominations", "Initiatives en lice au Trophée", "candidatures", integrations.count_nominations),
    ("awards_votes", "Votes du public confirmés au Trophée", "votes", integrations.count_votes),
    ("awards_winners", "Initiatives lauréates du Trophée", "lauréats", integrations.count_winners),
)


def register() -> None:
    registry.add_page(
        PageSpec(name="api:awards", example_url=fixed_url("/api/v1/trophees"), expected=PUBLIC, kind="api")
    )
    registry.add_menu(MenuEntry(key="awards", label="Trophée", url_name="awards:home", order=62))
    for page in _pages():
        registry.add_page(page)
    for key, label in NOTIFICATION_KINDS:
        registry.add_notification_kind(NotificationKind(key=key, label=label))
    for key, label, unit, compute in METRICS:
        registry.add_metric(Metric(key=key, label=label, unit=unit, compute=compute))
    registry.add_content_provider(
        ContentProvider(
            key="awards_trophy",
            label="Le Trophée des initiatives responsables (vote ouvert ou palmarès)",
            build=integrations.trophy_block,
        )
    )
    registry.add_structure_badge(
        StructureBadge(
            key="awards_laureate",
            label="Lauréat du Trophée des initiatives responsables",
            structure_ids=selectors.laureate_structure_ids,
            kind="laureate",
            order=35,
        )
    )
    registry.add_role(RoleSpec(key="awards_juror", label="Membre du jury du Trophée", app="awards"))
    registry.add_personal_data(
        PersonalDataHook(
            key="awards",
            models=(
                "awards.Nomination",
                "awards.Juror",
                "awards.Vote",
            ),
            label="Trophée des initiatives responsables : propositions, jury, votes (empreinte de l'adresse)",
            export=privacy.export_person,
            erase=privacy.erase_person,
            retention=privacy.unlink_old_vote_hashes,
            retention_text=privacy.vote_hash_retention_text(),
            order=72,
        )
    )
    registry.add_demo_loader(DemoLoader(key="awards_demo", load=demo.load, order=75))
