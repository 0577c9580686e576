"""What the training app brings to the registry: menu, pages (with each role's status), notification
kinds, metrics for the plan, link targets, the lettre's block, « Mon espace », personal data, periodic jobs,
the adviser role, the demo loader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from maillage.core.registry import (
    ANIMATOR_ONLY,
    PUBLIC,
    SIGNED_IN,
    ContentProvider,
    DemoLoader,
    ExampleContext,
    LinkTarget,
    MenuEntry,
    Metric,
    MySpaceProvider,
    NotificationKind,
    PageSpec,
    PeriodicJob,
    PersonalDataHook,
    RoleSpec,
    fixed_url,
    registry,
    statuses,
)
from maillage.training import demo, integrations, services
from maillage.training.examples import cancel_token_url, example_training
from maillage.training.services import privacy

BOOKING_VIEWERS = statuses(anonymous=302, member=200, manager_other=404, animator_other=404, animator=200)
# Advisers' pages: the animator is named adviser by the examples; others are refused.
ADVISERS = statuses(anonymous=302, member=403, manager_other=403, animator_other=403, animator=200)


def _with(build: Callable[[ExampleContext, dict[str, Any]], str]) -> Callable[[ExampleContext], str]:
    def example(ctx: ExampleContext) -> str:
        return build(ctx, example_training(ctx))

    return example


def _pages() -> list[PageSpec]:
    return [
        PageSpec(name="training:home", example_url=_with(lambda c, o: "/formations/"), expected=PUBLIC),
        PageSpec(
            name="training:census",
            example_url=_with(lambda c, o: f"/formations/recensements/{o['census'].pk}/"),
            expected=PUBLIC,
        ),
        PageSpec(
            name="training:answer",
            example_url=_with(lambda c, o: f"/formations/recensements/{o['census'].pk}/repondre/"),
            expected=SIGNED_IN,
            axe_as="manager_other",
        ),
        PageSpec(
            name="training:manage",
            example_url=_with(lambda c, o: "/formations/gestion/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="training:census_edit",
            example_url=_with(lambda c, o: f"/formations/gestion/recensements/{o['census'].pk}/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="training:results",
            example_url=_with(lambda c, o: f"/formations/gestion/recensements/{o['census'].pk}/resultats/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="training:session_create",
            example_url=_with(lambda c, o: f"/formations/gestion/themes/{o['theme'].pk}/session/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="training:advisers",
            example_url=_with(lambda c, o: "/formations/gestion/conseillers/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="training:session",
            example_url=_with(lambda c, o: f"/formations/sessions/{o['session'].pk}/"),
            expected=PUBLIC,
            axe_as="member",
        ),
        PageSpec(
            name="training:office_hours_list",
            example_url=_with(lambda c, o: "/formations/permanences/"),
            expected=PUBLIC,
        ),
        PageSpec(
            name="training:publish",
            example_url=_with(lambda c, o: "/formations/permanences/publier/"),
            expected=ADVISERS,
            axe_as="animator",
        ),
        PageSpec(
            name="training:office_hours",
            example_url=_with(lambda c, o: f"/formations/permanences/{o['office_hours'].pk}/"),
            expected=PUBLIC,
            axe_as="animator",
        ),
        PageSpec(
            name="training:book",
            example_url=_with(lambda c, o: f"/formations/permanences/creneaux/{o['slot'].pk}/reserver/"),
            expected=SIGNED_IN,
            axe_as="member",
        ),
        PageSpec(
            name="training:slot_delete",
            example_url=_with(lambda c, o: f"/formations/permanences/creneaux/{o['slot'].pk}/supprimer/"),
            expected=ADVISERS,
            axe_as="animator",
        ),
        PageSpec(
            name="training:booking",
            example_url=_with(lambda c, o: f"/formations/reservations/{o['booking'].pk}/"),
            expected=BOOKING_VIEWERS,
            axe_as="member",
        ),
        PageSpec(
            name="training:booking_ics",
            example_url=_with(lambda c, o: f"/formations/reservations/{o['booking'].pk}/rendez-vous.ics"),
            expected=BOOKING_VIEWERS,
            kind="file",
        ),
        PageSpec(name="training:booking_cancel", example_url=cancel_token_url, expected=PUBLIC),
        PageSpec(
            name="training:support",
            example_url=_with(lambda c, o: "/formations/accompagnements/"),
            expected=SIGNED_IN,
            axe_as="animator",
        ),
        PageSpec(
            name="training:resources",
            example_url=_with(lambda c, o: "/formations/ressources/"),
            expected=PUBLIC,
        ),
        PageSpec(
            name="training:resource_file",
            example_url=_with(lambda c, o: f"/formations/ressources/{o['resource'].pk}/fichier/"),
            expected=PUBLIC,
            kind="file",
        ),
        PageSpec(
            name="training:resource_add",
            example_url=_with(lambda c, o: "/formations/ressources/ajouter/"),
            expected=ADVISERS,
            axe_as="animator",
        ),
    ]


METRICS = (
    (
        "training_structures_supported",
        "Structures accompagnées (formations, DLA, permanences, conseil)",
        integrations.structures_supported,
    ),
    ("training_structures_dla", "Structures accompagnées par un DLA individuel", integrations.structures_dla),
    (
        "training_structures_funding",
        "Structures conseillées sur leurs financements (dont fonds européens)",
        integrations.structures_funding_advice,
    ),
    (
        "training_census_answers",
        "Réponses au recensement des besoins de formation",
        integrations.census_answers,
    ),
    ("training_office_hours", "Rendez-vous de permanence tenus", integrations.office_hours_held),
    (
        "training_collective_sessions",
        "Sessions collectives (DLA collectif) programmées",
        integrations.collective_sessions,
    ),
)

KINDS = (
    (services.KIND_CENSUS, "Relance du recensement des besoins de formation"),
    (services.KIND_SESSION, "Invitation prioritaire à une session collective"),
    (services.KIND_BOOKING, "Confirmation d'un rendez-vous de permanence"),
    (services.KIND_BOOKING_REMINDER, "Rappel d'un rendez-vous de permanence"),
    (services.KIND_BOOKING_CANCELLED, "Annulation d'un rendez-vous de permanence"),
)


def register() -> None:
    registry.add_page(
        PageSpec(
            name="api:training_sessions",
            example_url=fixed_url("/api/v1/formations"),
            expected=PUBLIC,
            kind="api",
        )
    )
    registry.add_menu(MenuEntry(key="training", label="Formations", url_name="training:home", order=45))
    for page in _pages():
        registry.add_page(page)
    for key, label in KINDS:
        registry.add_notification_kind(NotificationKind(key=key, label=label))
    for key, label, compute in METRICS:
        unit = (
            "réponses"
            if key == "training_census_answers"
            else (
                "rendez-vous"
                if key == "training_office_hours"
                else ("sessions" if key == "training_collective_sessions" else "structures")
            )
        )
        registry.add_metric(Metric(key=key, label=label, unit=unit, compute=compute))
    registry.add_link_target(
        LinkTarget(
            key="training_census",
            label="Un recensement des besoins de formation",
            model="training.Census",
            choices=integrations.census_choices,
            url=integrations.census_url,
        )
    )
    registry.add_link_target(
        LinkTarget(
            key="training_resource",
            label="Une ressource (guide)",
            model="training.Resource",
            choices=integrations.resource_choices,
            url=integrations.resource_url,
        )
    )
    registry.add_link_target(
        LinkTarget(
            key="training_office_hours",
            label="Une permanence",
            model="training.OfficeHours",
            choices=integrations.office_hours_choices,
            url=integrations.office_hours_url,
        )
    )
    registry.add_content_provider(
        ContentProvider(
            key="training_sessions", label="Sessions collectives à venir", build=integrations.sessions_block
        )
    )
    registry.add_my_space_section(
        MySpaceProvider(key="training_bookings", build=integrations.my_bookings, order=70)
    )
    registry.add_my_space_section(
        MySpaceProvider(key="training_support", build=integrations.my_structures_support, order=71)
    )
    registry.add_personal_data(
        PersonalDataHook(
            key="training",
            models=(
                "training.Census",
                "training.Response",
                "training.Adviser",
                "training.Booking",
            ),
            label="Rendez-vous de permanence et réponses au recensement",
            export=services.export_person,
            erase=services.erase_person,
            retention=privacy.expire_bookings,
            retention_text=privacy.booking_retention_text(),
            order=65,
        )
    )
    registry.add_role(RoleSpec(key="training_adviser", label="Conseiller (permanences)", app="training"))
    registry.add_periodic_job(
        PeriodicJob(
            key="training.census",
            task_path="maillage.training.tasks.census_reminders_task",
            every=dt.timedelta(hours=6),
        )
    )
    registry.add_periodic_job(
        PeriodicJob(
            key="training.office_hours",
            task_path="maillage.training.tasks.office_hours_task",
            every=dt.timedelta(hours=1),
        )
    )
    registry.add_demo_loader(DemoLoader(key="training_demo", load=demo.load, order=80))
