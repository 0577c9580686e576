"""What procurement brings to the registry: menu, every page (with each role's expected status), notification
kinds, metrics for the plan, a link target, the lettre's block, « Mon espace », personal data, the daily
batch job and the demo loader."""

from __future__ import annotations

from datetime import timedelta

from maillage.core.registry import (
    ANIMATOR_ONLY,
    PUBLIC,
    SIGNED_IN,
    ContentProvider,
    DemoLoader,
    LinkTarget,
    MenuEntry,
    Metric,
    MySpaceProvider,
    NotificationKind,
    PageSpec,
    PeriodicJob,
    PersonalDataHook,
    StructureMirror,
    registry,
    statuses,
)
from maillage.procurement import demo, integrations
from maillage.procurement.examples import example_procurement
from maillage.procurement.services import privacy, rows

# The buyer of the examples is the structure that « manager_other » manages (see examples.py).
BUYER_READERS = statuses(anonymous=302, member=404, manager_other=200, animator_other=404, animator=200)
BUYER_WRITERS = statuses(anonymous=302, member=404, manager_other=200, animator_other=404, animator=403)
DASHBOARD = statuses(anonymous=302, member=403, manager_other=200, animator_other=403, animator=200)
OFFER_EDITORS = statuses(anonymous=302, member=403, manager_other=403, animator_other=403, animator=200)
LEDGER_WRITERS = statuses(anonymous=302, member=403, manager_other=200, animator_other=403, animator=403)
SUPPLIER_READERS = statuses(anonymous=302, member=200, manager_other=404, animator_other=404, animator=404)
# A shortlist is its buyer's only (the example buyer is « manager_other »'s structure); nobody else finds it.
SHORTLIST_OWNERS = statuses(anonymous=302, member=404, manager_other=200, animator_other=404, animator=404)
OFFER_MODERATORS = statuses(anonymous=302, member=403, manager_other=403, animator_other=403, animator=200)
# A document joined to an answer: the supplier (member), the buyer (manager_other) and the animation.
ANSWER_READERS = statuses(anonymous=302, member=200, manager_other=200, animator_other=404, animator=200)


def _pages() -> list[PageSpec]:
    def ex(build):  # noqa: ANN001, ANN202
        def example(ctx):  # noqa: ANN001, ANN202
            return build(ctx, example_procurement(ctx))

        return example

    def page(name: str, url, expected, axe_as: str | None = None, kind: str = "page") -> PageSpec:  # noqa: ANN001
        return PageSpec(
            name=f"procurement:{name}", example_url=ex(url), expected=expected, axe_as=axe_as, kind=kind
        )  # type: ignore[arg-type]

    return [
        page("home", lambda c, o: "/achats/", PUBLIC, axe_as="member"),
        page("suppliers", lambda c, o: "/achats/fournisseurs/?offer_type=services", PUBLIC, axe_as="member"),
        page("potential", lambda c, o: "/achats/potentiel/?offer_type=services", PUBLIC, axe_as="member"),
        page("offer", lambda c, o: f"/achats/offre/{c.structure.slug}/", OFFER_EDITORS, axe_as="animator"),
        page("animation", lambda c, o: "/achats/animation/", ANIMATOR_ONLY, axe_as="animator"),
        page("need_create", lambda c, o: "/achats/besoins/nouveau/", SIGNED_IN, axe_as="member"),
        page("need", lambda c, o: f"/achats/besoins/{o['need_a'].pk}/", BUYER_READERS, axe_as="animator"),
        page(
            "need_edit",
            lambda c, o: f"/achats/besoins/{o['need_a'].pk}/modifier/",
            BUYER_WRITERS,
            axe_as="manager_other",
        ),
        page(
            "outcome",
            lambda c, o: f"/achats/besoins/{o['need_a'].pk}/suite/",
            BUYER_WRITERS,
            axe_as="manager_other",
        ),
        page(
            "attachment",
            lambda c, o: f"/achats/besoins/{o['need_c'].pk}/documents/{o['need_c'].attachments.get().pk}/",
            BUYER_READERS,
            kind="file",
        ),
        page(
            "answer", lambda c, o: f"/achats/reponses/{o['received'].pk}/", SUPPLIER_READERS, axe_as="member"
        ),
        page(
            "dashboard",
            lambda c, o: f"/achats/acheteurs/{o['buyer'].slug}/",
            DASHBOARD,
            axe_as="manager_other",
        ),
        page(
            "ledger_import",
            lambda c, o: f"/achats/acheteurs/{o['buyer'].slug}/import/",
            LEDGER_WRITERS,
            axe_as="manager_other",
        ),
        page("decp", lambda c, o: f"/achats/acheteurs/{o['buyer'].slug}/decp.json", DASHBOARD, kind="file"),
        page("shortlists", lambda c, o: "/achats/listes/", SIGNED_IN, axe_as="manager_other"),
        page(
            "shortlist",
            lambda c, o: f"/achats/listes/{o['shortlist'].pk}/",
            SHORTLIST_OWNERS,
            axe_as="manager_other",
        ),
        page(
            "offer_proposal",
            lambda c, o: f"/achats/offres/propositions/{o['proposal'].pk}/",
            OFFER_MODERATORS,
            axe_as="animator",
        ),
        page(
            "answer_document",
            lambda c, o: f"/achats/reponses/{o['received'].pk}/documents/{o['document'].pk}/",
            ANSWER_READERS,
            kind="file",
        ),
    ]


METRICS = [
    (
        "procurement_total",
        "Achats déclarés par les acheteurs du territoire",
        "€ HT",
        integrations.total_purchases,
    ),
    (
        "procurement_share_ess",
        "Part des achats auprès de structures de l'ESS",
        "%",
        integrations._share("Structures de l'ESS"),
    ),
    (
        "procurement_share_siae",
        "Part des achats auprès de structures d'insertion (SIAE)",
        "%",
        integrations._share("Structures d'insertion"),
    ),
    (
        "procurement_share_disability",
        "Part des achats auprès d'entreprises adaptées et d'ESAT",
        "%",
        integrations._share("Entreprises adaptées"),
    ),
    (
        "procurement_share_local",
        "Part des achats auprès de fournisseurs du territoire",
        "%",
        integrations._share("Fournisseurs du territoire"),
    ),
    (
        "procurement_clause_hours",
        "Heures d'insertion des clauses sociales",
        "heures",
        integrations.clause_hours,
    ),
    (
        "procurement_needs_sent",
        "Besoins d'achat envoyés aux fournisseurs",
        "besoins",
        integrations.needs_sent,
    ),
    (
        "procurement_contracts",
        "Contrats attribués après un besoin déposé",
        "contrats",
        integrations.contracts_awarded,
    ),
]


def register() -> None:
    registry.add_structure_mirror(
        StructureMirror(
            key="procurement_rows", refresh=rows.refresh_match_rows, rebuild=rows.rebuild_match_rows
        )
    )
    registry.add_menu(
        MenuEntry(key="procurement", label="Achats responsables", url_name="procurement:home", order=58)
    )
    for spec in _pages():
        registry.add_page(spec)
    for key, label, unit, compute in METRICS:
        registry.add_metric(Metric(key=key, label=label, unit=unit, compute=compute))
    registry.add_notification_kind(
        NotificationKind(
            key="procurement_need_received", label="Besoin d'achat reçu par une de mes structures"
        )
    )
    registry.add_notification_kind(
        NotificationKind(
            key="procurement_answer_received", label="Réponse d'un fournisseur à un de mes besoins"
        )
    )
    registry.add_notification_kind(
        NotificationKind(key="procurement_need_submitted", label="Besoin d'achat à valider (animation)")
    )
    registry.add_notification_kind(
        NotificationKind(
            key="procurement_need_decided", label="Décision de l'animation sur un de mes besoins"
        )
    )
    registry.add_notification_kind(
        NotificationKind(key="procurement_outcome_asked", label="Un contrat a-t-il suivi mon besoin ?")
    )
    registry.add_notification_kind(
        NotificationKind(key="procurement_offer_proposed", label="Offre de fournisseur à relire (modération)")
    )
    registry.add_notification_kind(
        NotificationKind(
            key="procurement_offer_decided", label="Décision de la modération sur l'offre de ma structure"
        )
    )
    registry.add_periodic_job(
        PeriodicJob(
            key="procurement.ask_outcomes",
            task_path="maillage.procurement.tasks.ask_outcomes_task",
            every=timedelta(days=1),
        )
    )
    registry.add_link_target(
        LinkTarget(
            key="procurement_need",
            label="Un besoin d'achat",
            model="procurement.Need",
            choices=integrations.need_choices,
            url=integrations.need_url,
        )
    )
    registry.add_content_provider(
        ContentProvider(
            key="procurement_open_needs",
            label="Besoins d'achat en cours",
            build=integrations.open_needs_block,
        )
    )
    registry.add_my_space_section(
        MySpaceProvider(key="procurement", build=integrations.my_space_section, order=60)
    )
    registry.add_personal_data(
        PersonalDataHook(
            key="procurement",
            retention_text="le temps de la consultation ; besoins et réponses restent, sans nom, "
            "après l'effacement du compte",
            models=(
                "procurement.OfferProposal",
                "procurement.Need",
                "procurement.Recipient",
                "procurement.Shortlist",
            ),
            label="Besoins d'achat rédigés et réponses des fournisseurs",
            export=privacy.export_person,
            erase=privacy.erase_person,
            order=65,
        )
    )
    registry.add_periodic_job(
        PeriodicJob(
            key="procurement.daily_batches",
            task_path="maillage.procurement.tasks.send_daily_batches_task",
            every=timedelta(days=1),
        )
    )
    registry.add_demo_loader(DemoLoader(key="procurement_demo", load=demo.load, order=55))
