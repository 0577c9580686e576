"""What the self-assessment brings to the registry: pages (with the status each role gets: a structure's
answers and results are for its own members only — not the animation, of this territory or another),
menu, metrics for the plan and the dashboard, link targets, the lettre's block, « Mon espace », the block
on a structure's public profile, notification kinds, the personal-data hook and the demo loader."""

from __future__ import annotations

from maillage.assessment import demo, integrations, services
from maillage.assessment.examples import YEAR, example_assessment
from maillage.assessment.services.notices import CAMPAIGN_OPEN, RESULTS_READY
from maillage.core.registry import (
    ANIMATOR_ONLY,
    PUBLIC,
    ContentProvider,
    DemoLoader,
    LinkTarget,
    MenuEntry,
    Metric,
    MySpaceProvider,
    NotificationKind,
    PageSpec,
    PersonalDataHook,
    ProfileSection,
    fixed_url,
    registry,
    statuses,
)

# The structure's own members (the example member belongs to the example structure); everyone else 403.
OWN_MEMBERS = statuses(anonymous=302, member=200, manager_other=403, animator_other=403, animator=403)


def _pages() -> list[PageSpec]:
    def with_examples(build):
        def example(ctx):
            return build(ctx, example_assessment(ctx))

        return example

    return [
        PageSpec(
            name="assessment:home",
            example_url=with_examples(lambda c, o: "/utilite-sociale/"),
            expected=PUBLIC,
        ),
        PageSpec(
            name="assessment:grid",
            example_url=with_examples(lambda c, o: "/utilite-sociale/grille/"),
            expected=PUBLIC,
        ),
        PageSpec(
            name="assessment:territory",
            example_url=with_examples(lambda c, o: "/utilite-sociale/territoire/"),
            expected=PUBLIC,
        ),
        PageSpec(
            name="assessment:manage",
            example_url=with_examples(lambda c, o: "/utilite-sociale/gestion/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="assessment:grid_edit",
            example_url=with_examples(lambda c, o: f"/utilite-sociale/gestion/grilles/v{o['grid'].version}/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="assessment:question_add",
            example_url=with_examples(
                lambda c, o: f"/utilite-sociale/gestion/grilles/v{o['grid'].version}/questions/nouvelle/"
            ),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="assessment:question_edit",
            example_url=with_examples(
                lambda c, o: (
                    f"/utilite-sociale/gestion/grilles/v{o['grid'].version}/questions/{o['question'].pk}/"
                )
            ),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="assessment:campaign",
            example_url=with_examples(lambda c, o: f"/utilite-sociale/gestion/campagnes/{YEAR}/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="assessment:sheet",
            example_url=with_examples(lambda c, o: f"/utilite-sociale/{YEAR}/{c.structure.slug}/"),
            expected=OWN_MEMBERS,
            axe_as="member",
        ),
        PageSpec(
            name="assessment:results",
            example_url=with_examples(lambda c, o: f"/utilite-sociale/{YEAR}/{c.structure.slug}/resultats/"),
            expected=OWN_MEMBERS,
            axe_as="member",
        ),
        PageSpec(
            name="assessment:results_pdf",
            example_url=with_examples(
                lambda c, o: f"/utilite-sociale/{YEAR}/{c.structure.slug}/resultats.pdf"
            ),
            expected=OWN_MEMBERS,
            kind="file",
        ),
    ]


def register() -> None:
    registry.add_page(
        PageSpec(
            name="api:assessment_campaigns",
            example_url=fixed_url("/api/v1/utilite-sociale"),
            expected=PUBLIC,
            kind="api",
        )
    )
    registry.add_menu(
        MenuEntry(key="assessment", label="Utilité sociale", url_name="assessment:home", order=60)
    )
    for page in _pages():
        registry.add_page(page)
    registry.add_metric(
        Metric(
            key="assessment_participants",
            label="Structures ayant rempli la grille d'auto-évaluation de l'utilité sociale",
            unit="structures",
            compute=integrations.count_participants,
            description="Structures dont les réponses à une campagne d'une année de la période "
            "ont été transmises.",
        )
    )
    registry.add_metric(
        Metric(
            key="assessment_shared",
            label="Structures affichant leurs résultats d'utilité sociale sur leur fiche",
            unit="structures",
            compute=integrations.count_shared,
        )
    )
    registry.add_metric(
        Metric(
            key="assessment_median_overall",
            label="Score médian d'utilité sociale du territoire",
            unit="points sur 100",
            compute=integrations.median_overall,
            description="Dernière campagne close de la période ; 0 tant qu'aucun résultat n'est publié "
            "(moins de 5 structures).",
        )
    )
    for key, label, compute in integrations.THEME_METRICS:
        registry.add_metric(
            Metric(
                key=f"assessment_median_{key}",
                label=f"Utilité sociale — score médian du territoire : {label}",
                unit="points sur 100",
                compute=compute,
                description="Dernière campagne close de la période ; 0 tant qu'aucun résultat n'est publié "
                "(moins de 5 structures).",
            )
        )
    registry.add_link_target(
        LinkTarget(
            key="assessment_campaign",
            label="Une campagne d'auto-évaluation de l'utilité sociale",
            model="assessment.Campaign",
            choices=integrations.campaign_choices,
            url=integrations.campaign_url,
        )
    )
    registry.add_link_target(
        LinkTarget(
            key="assessment_grid",
            label="La grille d'auto-évaluation de l'utilité sociale",
            model="assessment.Grid",
            choices=integrations.grid_choices,
            url=integrations.grid_url,
        )
    )
    registry.add_content_provider(
        ContentProvider(
            key="assessment_territory_results",
            label="Utilité sociale : les résultats du territoire",
            build=integrations.territory_results_block,
        )
    )
    registry.add_my_space_section(
        MySpaceProvider(key="assessment", build=integrations.my_space_section, order=60)
    )
    registry.add_profile_section(ProfileSection(key="assessment", build=integrations.profile_block, order=50))
    registry.add_notification_kind(
        NotificationKind(
            key=CAMPAIGN_OPEN, label="Ouverture de la campagne d'auto-évaluation de l'utilité sociale"
        )
    )
    registry.add_notification_kind(
        NotificationKind(key=RESULTS_READY, label="Résultats de l'auto-évaluation de ma structure")
    )
    registry.add_personal_data(
        PersonalDataHook(
            key="assessment",
            models=("assessment.AnswerSheet",),
            label="Auto-évaluation de l'utilité sociale (réponses transmises, actions journalisées)",
            export=services.export_person,
            erase=services.erase_person,
            order=70,
            retention_text="Les réponses appartiennent à la structure ; le nom de la personne qui les a "
            "transmises est effacé avec son compte.",
        )
    )
    registry.add_demo_loader(DemoLoader(key="assessment_demo", load=demo.load, order=80))
