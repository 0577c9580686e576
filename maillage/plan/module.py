"""What the plan app brings to the registry: pages, menu, demo, metrics, the periodic indicator job."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from maillage.core.actors import system
from maillage.core.demo import demo_today
from maillage.core.registry import (
    ANIMATOR_ONLY,
    PUBLIC,
    ContentProvider,
    DemoLoader,
    ExampleContext,
    LinkTarget,
    MenuEntry,
    Metric,
    ObjectivesProvider,
    PageSpec,
    PeriodicJob,
    registry,
    statuses,
)
from maillage.plan import blocks, demo, metrics, personal_data, services
from maillage.plan.models import Contract, Evaluation, Indicator, Node, PlanVersion
from maillage.plan.selectors import current_objectives


def example_plan(ctx: ExampleContext) -> dict[str, Any]:
    """A small plan in the territory under test (created once): a contract, a version, one node per level,
    an indicator. Used by the example URLs of the permission matrix and the accessibility check."""
    territory = ctx.territory
    actor = system("exemple du plan")
    contract = Contract.objects.filter(territory=territory).first() or services.save_contract(
        actor=actor,
        territory=territory,
        data={
            "title": "Contrat d'exemple",
            "starts_on": dt.date(2025, 6, 1),
            "ends_on": dt.date(2028, 5, 31),
        },
    )
    version = PlanVersion.objects.filter(contract=contract).order_by(
        "year"
    ).first() or services.create_version(actor=actor, contract=contract, year=2025)
    action = Node.objects.filter(version=version, kind=Node.Kind.ACTION).first()
    if action is None:
        objective, _ = services.create_node(
            actor=actor,
            version=version,
            data={"kind": "objective", "number": "1", "title": "Animer le réseau"},
        )
        operational, _ = services.create_node(
            actor=actor,
            version=version,
            data={
                "kind": "operational",
                "parent": objective,
                "number": "1.1",
                "title": "Recenser les acteurs",
            },
        )
        action, _ = services.create_node(
            actor=actor,
            version=version,
            data={"kind": "action", "parent": operational, "number": "1.1.1", "title": "Guide des acteurs"},
        )
        services.add_indicator(actor=actor, node=action, title="Structures recensées", unit="structures")
    indicator = Indicator.objects.filter(node=action).first()
    if not Evaluation.objects.filter(version=version).exists():
        services.open_evaluation(
            actor=actor, version=version, consultation_ends_on=timezone.localdate() + dt.timedelta(days=30)
        )
    return {"version": version, "action": action, "indicator": indicator}


def _node_page(name: str, path: str, expected: dict[str, int]) -> PageSpec:
    return PageSpec(
        name=name,
        example_url=lambda ctx: f"/contrat/{path.format(pk=example_plan(ctx)['action'].pk)}",
        expected=expected,
        axe_as="animator" if expected is ANIMATOR_ONLY else None,
    )


def register() -> None:
    registry.add_menu(
        MenuEntry(key="plan", label="Contrat et plan d’actions", url_name="plan:index", order=40)
    )
    registry.add_page(PageSpec(name="plan:index", example_url=lambda ctx: "/contrat/", expected=PUBLIC))
    registry.add_page(
        PageSpec(
            name="plan:version",
            example_url=lambda ctx: f"/contrat/{example_plan(ctx)['version'].year}/",
            expected=PUBLIC,
        )
    )
    registry.add_page(_node_page("plan:node", "element/{pk}/", PUBLIC))
    registry.add_page(
        PageSpec(
            name="plan:manage",
            example_url=lambda ctx: "/contrat/gestion/",
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        )
    )
    registry.add_page(
        PageSpec(
            name="plan:document_add",
            example_url=lambda ctx: (example_plan(ctx), "/contrat/gestion/document/")[1],
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        )
    )
    registry.add_page(
        PageSpec(
            name="plan:version_create",
            example_url=lambda ctx: (example_plan(ctx), "/contrat/gestion/nouveau-plan/")[1],
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        )
    )
    registry.add_page(
        PageSpec(
            name="plan:node_create",
            example_url=lambda ctx: f"/contrat/gestion/{example_plan(ctx)['version'].year}/ajouter/",
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        )
    )
    for name, path, expected, kind in [
        ("plan:evaluation", "evaluation/", PUBLIC, "page"),
        ("plan:evaluation_pdf", "evaluation.pdf", PUBLIC, "file"),
        (
            "plan:evaluation_comment",
            "evaluation/commenter/",
            statuses(anonymous=302, member=200, manager_other=200, animator_other=403, animator=200),
            "page",
        ),
    ]:
        registry.add_page(
            PageSpec(
                name=name,
                example_url=lambda ctx, path=path: f"/contrat/{example_plan(ctx)['version'].year}/{path}",
                expected=expected,
                kind=kind,
                axe_as="member" if name == "plan:evaluation_comment" else None,
            )
        )
    registry.add_page(
        PageSpec(
            name="plan:evaluation_manage",
            example_url=lambda ctx: f"/contrat/gestion/{example_plan(ctx)['version'].year}/evaluation/",
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        )
    )
    registry.add_page(
        PageSpec(
            name="plan:roadmap",
            example_url=lambda ctx: f"/contrat/{example_plan(ctx)['version'].year}/feuille-de-route/",
            expected=PUBLIC,
        )
    )
    registry.add_page(
        PageSpec(
            name="plan:export",
            example_url=lambda ctx: f"/contrat/{example_plan(ctx)['version'].year}/export.csv",
            expected=PUBLIC,
            kind="file",
        )
    )
    registry.add_page(
        PageSpec(
            name="plan:import",
            example_url=lambda ctx: f"/contrat/gestion/{example_plan(ctx)['version'].year}/import/",
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        )
    )
    for name, path in [
        ("plan:node_edit", "gestion/element/{pk}/"),
        ("plan:node_status", "gestion/element/{pk}/statut/"),
        ("plan:node_progress", "gestion/element/{pk}/avancement/"),
        ("plan:means_add", "gestion/element/{pk}/moyen/"),
        ("plan:schedule_add", "gestion/element/{pk}/echeance/"),
        ("plan:milestone_add", "gestion/element/{pk}/jalon/"),
        ("plan:indicator_add", "gestion/element/{pk}/indicateur/"),
        ("plan:link_add", "gestion/element/{pk}/lien/"),
    ]:
        registry.add_page(_node_page(name, path, ANIMATOR_ONLY))
    for name, path in [
        ("api:plan_contract", ""),
        ("api:plan_versions", "/plans"),
        ("api:plan_version", "/plans/{year}"),
        ("api:plan_indicators", "/plans/{year}/indicateurs"),
    ]:
        registry.add_page(
            PageSpec(
                name=name,
                example_url=lambda ctx, path=path: (
                    "/api/v1/contrat" + path.format(year=example_plan(ctx)["version"].year)
                ),
                expected=PUBLIC,
                kind="api",
            )
        )
    registry.add_page(
        PageSpec(
            name="plan:measurement_add",
            example_url=lambda ctx: (
                f"/contrat/gestion/indicateur/{example_plan(ctx)['indicator'].pk}/mesure/"
            ),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        )
    )

    registry.add_metric(
        Metric(
            key="plan.actions_done",
            label="Actions du plan réalisées",
            unit="actions",
            compute=metrics.actions_done,
            description="Actions passées au statut « réalisée » sur la période (comptées une fois).",
        )
    )
    registry.add_metric(
        Metric(
            key="plan.actions_in_progress",
            label="Actions du plan en cours",
            unit="actions",
            compute=metrics.actions_in_progress,
            description="Actions « en cours » dans le plan annuel de la fin de période.",
        )
    )
    registry.add_periodic_job(
        PeriodicJob(
            key="plan.compute_indicators",
            task_path="maillage.plan.tasks.compute_indicators_task",
            every=dt.timedelta(days=1),
        )
    )
    registry.add_content_provider(
        ContentProvider(key="plan.point", label="Un point du plan d'actions", build=blocks.plan_point)
    )
    registry.add_link_target(
        LinkTarget(
            key="plan.action",
            label="Action du plan",
            model="plan.Node",
            choices=blocks.action_choices,
            url=blocks.action_url,
        )
    )
    registry.add_objectives_provider(
        ObjectivesProvider(
            key="plan", objectives=lambda territory: current_objectives(territory, demo_today())
        )
    )
    registry.add_personal_data(personal_data.HOOK)
    registry.add_demo_loader(DemoLoader(key="plan", load=demo.load, order=60))
