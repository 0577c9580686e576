"""What the calls app brings to the registry: menu, every page (with its expected status per role: the
permission matrix and axe walk them), notification kinds, metrics, link targets, the lettre's block,
« Mon espace », the laureate badge, the juror role, personal data, the demo loader and the reminders."""

from __future__ import annotations

import datetime as dt

from maillage.calls import demo, integrations, selectors
from maillage.calls.examples import example_call
from maillage.calls.services import privacy
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
    RoleSpec,
    StructureBadge,
    fixed_url,
    registry,
    statuses,
)

# The example application belongs to the example structure; the member (of that structure) and the other
# structure's manager both sit on the jury: the member is tied to the applicant, the other is not.
READERS = statuses(anonymous=302, member=200, manager_other=200, animator_other=404, animator=200)
APPLICANT_ACTION = statuses(anonymous=302, member=403, manager_other=200, animator_other=404, animator=403)
JURORS = statuses(anonymous=302, member=200, manager_other=200, animator_other=404, animator=404)
# The scoring page of the example structure's application: its tied juror (the member) gets nothing.
SCORERS = statuses(anonymous=302, member=404, manager_other=200, animator_other=404, animator=404)


def _with(build):
    def example(ctx):
        return build(ctx, example_call(ctx))

    return example


def _pages() -> list[PageSpec]:
    y = f"/appels-a-projets/gestion/{2026}"
    return [
        PageSpec(name="calls:home", example_url=_with(lambda c, o: "/appels-a-projets/"), expected=PUBLIC),
        PageSpec(
            name="calls:laureates",
            example_url=_with(lambda c, o: "/appels-a-projets/laureats/"),
            expected=PUBLIC,
        ),
        PageSpec(
            name="calls:scdl",
            example_url=_with(lambda c, o: "/appels-a-projets/subventions-scdl.csv"),
            expected=PUBLIC,
            kind="file",
        ),
        PageSpec(
            name="calls:call", example_url=_with(lambda c, o: "/appels-a-projets/2026/"), expected=PUBLIC
        ),
        PageSpec(
            name="calls:specification",
            example_url=_with(lambda c, o: "/appels-a-projets/2026/cahier-des-charges/"),
            expected=PUBLIC,
        ),
        PageSpec(
            name="calls:apply",
            example_url=_with(lambda c, o: "/appels-a-projets/2026/candidater/"),
            expected=SIGNED_IN,
            axe_as="manager_other",
        ),
        PageSpec(
            name="calls:application",
            example_url=_with(lambda c, o: f"/appels-a-projets/candidatures/{o['mine'].pk}/"),
            expected=READERS,
            axe_as="member",
        ),
        PageSpec(
            name="calls:submit",
            # The other structure's application: its manager (manager_other) reads the page.
            example_url=_with(lambda c, o: f"/appels-a-projets/candidatures/{o['theirs'].pk}/deposer/"),
            expected=APPLICANT_ACTION,
            axe_as="manager_other",
        ),
        PageSpec(
            name="calls:receipt",
            example_url=_with(lambda c, o: f"/appels-a-projets/candidatures/{o['mine'].pk}/recepisse.pdf"),
            expected=READERS,
            kind="file",
        ),
        PageSpec(
            name="calls:attachment",
            example_url=_with(
                lambda c, o: (
                    f"/appels-a-projets/candidatures/{o['mine'].pk}/pieces/{o['mine'].attachments.first().pk}/"
                )
            ),
            expected=READERS,
            kind="file",
        ),
        PageSpec(
            name="calls:invitation",
            example_url=_with(lambda c, o: f"/appels-a-projets/jury/invitation/{o['token']}/"),
            expected=PUBLIC,
        ),
        PageSpec(
            name="calls:jury",
            example_url=_with(lambda c, o: "/appels-a-projets/jury/2026/"),
            expected=JURORS,
            axe_as="member",
        ),
        PageSpec(
            name="calls:score",
            example_url=_with(lambda c, o: f"/appels-a-projets/jury/candidatures/{o['mine'].pk}/"),
            expected=SCORERS,
            axe_as="manager_other",
        ),
        *[
            PageSpec(
                name=f"calls:{name}",
                example_url=_with(lambda c, o, u=url: u),
                expected=ANIMATOR_ONLY,
                axe_as="animator",
            )
            for name, url in (
                ("manage", "/appels-a-projets/gestion/"),
                ("call_edit", f"{y}/"),
                ("criteria", f"{y}/criteres/"),
                ("spec_edit", f"{y}/cahier-des-charges/"),
                ("review_list", f"{y}/candidatures/"),
                ("jury_manage", f"{y}/jury/"),
                ("ranking", f"{y}/classement/"),
                ("deliberation", f"{y}/deliberation/"),
                ("grants", f"{y}/subventions/"),
            )
        ],
        PageSpec(
            name="calls:review",
            example_url=_with(lambda c, o: f"/appels-a-projets/gestion/candidatures/{o['mine'].pk}/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="calls:grant",
            example_url=_with(lambda c, o: f"/appels-a-projets/gestion/subventions/{o['grant'].pk}/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
    ]


NOTIFICATION_KINDS = (
    ("calls_application_submitted", "Récépissé de dépôt d'une candidature à un appel à projets"),
    ("calls_application_decision", "Décision sur une candidature à un appel à projets"),
    ("calls_piece_requested", "Pièce manquante demandée pour une candidature"),
    ("calls_report_due", "Rapport attendu d'un lauréat d'appel à projets"),
)

METRICS = (
    (
        "calls_applications",
        "Candidatures déposées aux appels à projets",
        "candidatures",
        integrations.count_applications,
    ),
    ("calls_laureates", "Projets lauréats des appels à projets", "projets", integrations.count_laureates),
    ("calls_granted", "Montant des subventions attribuées par le fonds", "€", integrations.granted_amount),
    ("calls_paid", "Montant versé par le fonds de soutien", "€", integrations.paid_amount),
)


def register() -> None:
    registry.add_page(
        PageSpec(name="api:calls", example_url=fixed_url("/api/v1/appels"), expected=PUBLIC, kind="api")
    )
    registry.add_menu(MenuEntry(key="calls", label="Appels à projets", url_name="calls:home", order=45))
    for page in _pages():
        registry.add_page(page)
    for key, label in NOTIFICATION_KINDS:
        registry.add_notification_kind(NotificationKind(key=key, label=label))
    for key, label, unit, compute in METRICS:
        registry.add_metric(Metric(key=key, label=label, unit=unit, compute=compute))
    registry.add_link_target(
        LinkTarget(
            key="call",
            label="Un appel à projets",
            model="calls.Call",
            choices=integrations.call_choices,
            url=integrations.call_url,
        )
    )
    registry.add_link_target(
        LinkTarget(
            key="call_grant",
            label="Une subvention du fonds de soutien",
            model="calls.Grant",
            choices=integrations.grant_choices,
            url=integrations.grant_url,
        )
    )
    registry.add_content_provider(
        ContentProvider(
            key="calls_open_call", label="L'appel à projets en cours", build=integrations.open_call_block
        )
    )
    registry.add_my_space_section(MySpaceProvider(key="calls", build=integrations.my_space_section, order=45))
    registry.add_structure_badge(
        StructureBadge(
            key="calls_laureate",
            label="Lauréat d'un appel à projets",
            structure_ids=selectors.laureate_structure_ids,
            kind="laureate",
            order=30,
        )
    )
    registry.add_role(RoleSpec(key="juror", label="Membre du jury d'un appel à projets", app="calls"))
    registry.add_personal_data(
        PersonalDataHook(
            key="calls",
            models=(
                "calls.SpecComment",
                "calls.Application",
                "calls.Juror",
            ),
            label="Jurys, commentaires des cahiers des charges et candidatures aux appels à projets",
            export=privacy.export_person,
            erase=privacy.erase_person,
            retention=privacy.expire_attachments,
            retention_text=privacy.attachments_retention_text(),
            order=70,
        )
    )
    registry.add_periodic_job(
        PeriodicJob(
            key="calls.remind_reports",
            task_path="maillage.calls.tasks.remind_reports_task",
            every=dt.timedelta(days=1),
        )
    )
    registry.add_demo_loader(DemoLoader(key="calls_demo", load=demo.load, order=70))
