"""What the needs register brings to the registry: pages, menu, metrics, link targets, the lettre's block,
the directory's badge and the structure profile's section, notification kinds, the personal-data hook, the
retention job and the demo."""

from __future__ import annotations

from maillage.core.registry import (
    ANIMATOR_ONLY,
    PUBLIC,
    ContentProvider,
    DemoLoader,
    LinkTarget,
    MenuEntry,
    Metric,
    NotificationKind,
    PageSpec,
    PersonalDataHook,
    ProfileSection,
    StructureBadge,
    fixed_url,
    registry,
)
from maillage.needs import demo, integrations, my_space
from maillage.needs.examples import example_needs
from maillage.needs.selectors import answered_by_structure
from maillage.needs.services.common import DEFAULT_CATEGORIES


def _pages() -> list[PageSpec]:
    def with_needs(build):
        def example(ctx):
            return build(ctx, example_needs(ctx))

        return example

    public = [
        ("needs:list", lambda c, o: "/besoins/?statut=ouverts&q=dimanche"),
        ("needs:map", lambda c, o: "/besoins/carte/"),
        ("needs:report", lambda c, o: "/besoins/signaler/"),
        ("needs:detail", lambda c, o: f"/besoins/{o['need'].pk}/"),
        ("needs:support", lambda c, o: f"/besoins/{o['need'].pk}/soutenir/"),
        ("needs:confirm", lambda c, o: f"/besoins/confirmer/{o['confirm_token']}/"),
        ("needs:confirm_support", lambda c, o: f"/besoins/soutien/confirmer/{o['support_token']}/"),
    ]
    animation = [
        ("needs:manage", lambda c, o: "/besoins/animation/"),
        ("needs:categories", lambda c, o: "/besoins/animation/categories/"),
        ("needs:move", lambda c, o: f"/besoins/{o['need'].pk}/statut/"),
        ("needs:merge", lambda c, o: f"/besoins/{o['other'].pk}/fusionner/"),
        ("needs:structures", lambda c, o: f"/besoins/{o['need'].pk}/structures/"),
    ]
    return [
        *[
            PageSpec(name=name, example_url=with_needs(build), expected=PUBLIC, axe_as="member")
            for name, build in public
        ],
        *[
            PageSpec(name=name, example_url=with_needs(build), expected=ANIMATOR_ONLY, axe_as="animator")
            for name, build in animation
        ],
    ]


METRICS = (
    (
        "needs_reported",
        "Besoins sociaux signalés",
        integrations.count_reported,
        "Besoins entrés au registre pendant la période (signalement confirmé).",
    ),
    (
        "needs_qualified",
        "Besoins sociaux qualifiés",
        integrations.count_qualified,
        "Besoins qualifiés par l'animation pendant la période.",
    ),
    (
        "needs_addressed",
        "Besoins sociaux en cours de réponse",
        integrations.count_addressed,
        "Besoins passés « en cours de réponse » pendant la période.",
    ),
    (
        "needs_met",
        "Besoins sociaux satisfaits (entièrement ou en partie)",
        integrations.count_met,
        "Besoins déclarés satisfaits ou partiellement satisfaits pendant la période.",
    ),
)


def register() -> None:
    registry.add_page(
        PageSpec(name="api:needs", example_url=fixed_url("/api/v1/besoins"), expected=PUBLIC, kind="api")
    )
    registry.add_menu(MenuEntry(key="needs", label="Besoins sociaux", url_name="needs:list", order=45))
    registry.add_my_space_section(my_space.PROVIDER)
    for page in _pages():
        registry.add_page(page)
    for key, label, compute, description in METRICS:
        registry.add_metric(
            Metric(key=key, label=label, unit="besoins", compute=compute, description=description)
        )
    for slug, label in DEFAULT_CATEGORIES:
        registry.add_metric(
            Metric(
                key=f"needs_reported_{slug.replace('-', '_')}",
                label=f"Besoins sociaux signalés : {label.lower()}",
                unit="besoins",
                compute=integrations.category_metric(slug),
                description=f"Besoins de la catégorie « {label} » entrés au registre pendant la période.",
            )
        )
    registry.add_link_target(
        LinkTarget(
            key="need",
            label="Un besoin social",
            model="needs.Need",
            choices=integrations.need_choices,
            url=integrations.need_url,
        )
    )
    registry.add_link_target(
        LinkTarget(
            key="need_category",
            label="Une catégorie de besoins sociaux",
            model="needs.NeedCategory",
            choices=integrations.category_choices,
            url=integrations.category_url,
        )
    )
    registry.add_content_provider(
        ContentProvider(
            key="needs_latest",
            label="Besoins sociaux : signalements et réponses",
            build=integrations.latest_needs_block,
        )
    )
    registry.add_structure_badge(
        StructureBadge(
            key="needs",
            label="Répond à un besoin social du territoire",
            structure_ids=answered_by_structure,
            kind="accent",
            order=40,
        )
    )
    registry.add_profile_section(ProfileSection(key="needs", build=integrations.profile_block, order=40))
    registry.add_notification_kind(
        NotificationKind(
            key="needs_reported", label="Nouveau besoin social signalé (animation)", default_delivery="daily"
        )
    )
    registry.add_notification_kind(
        NotificationKind(
            key="needs_answer", label="Réponse à un besoin social que vous avez signalé ou soutenu"
        )
    )
    registry.add_personal_data(
        PersonalDataHook(
            key="needs",
            models=("needs.Need", "needs.Support"),
            label="Besoins sociaux signalés et soutenus",
            export=integrations.export_person,
            erase=integrations.erase,
            retention=integrations.retention,
            retention_text="Un signalement ou un soutien non confirmé est effacé, avec son adresse, "
            "au bout de "
            "sept jours ; un besoin confirmé reste au registre (anonyme si la personne efface son compte) ; "
            "l'adresse d'une personne sans compte est effacée un an après la clôture du besoin.",
            order=65,
        )
    )
    registry.add_demo_loader(DemoLoader(key="needs_demo", load=demo.load, order=72))
