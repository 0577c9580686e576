"""What the events app brings to the registry: menu, pages, demo, metrics, content block, link targets,
jobs, personal data."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from maillage.core.actors import system
from maillage.core.registry import (
    ANIMATOR_ONLY,
    PUBLIC,
    SIGNED_IN,
    ContentProvider,
    DemoLoader,
    ExampleContext,
    MenuEntry,
    Metric,
    NotificationKind,
    PageSpec,
    PeriodicJob,
    PersonalDataHook,
    registry,
    statuses,
)
from maillage.core.tokens import make_token
from maillage.events import blocks, demo, links, metrics, my_space, permissions, services
from maillage.events.models import Campaign, Event, Status
from maillage.events.services.personal_data import retention_text as registration_retention_text

# Imported for its side effect: it registers the agenda's permissions (django-rules).
_PERMISSIONS = permissions
# Who writes the registry's example objects (the pages' checks build them on the fly).
EXAMPLES = system("exemples des pages")


def example_event(ctx: ExampleContext) -> Event:
    """A published event hosted by the matrix's structure, 10 days ahead, with one registration (attended)."""
    event = Event.objects.filter(territory=ctx.territory, slug="rendez-vous-exemple").first()
    if event is None:
        start = (timezone.now() + dt.timedelta(days=10)).replace(hour=17, minute=0, second=0, microsecond=0)
        event = services.create_event(
            actor=EXAMPLES,
            territory=ctx.territory,
            slug="rendez-vous-exemple",
            hosts=[ctx.structure],
            title="Rendez-vous de l'ESS : visite de la ressourcerie",
            description="Visite et **échanges** entre acteurs.",
            start=start,
            end=start + dt.timedelta(hours=2),
            status=Status.PUBLISHED,
            venue="Atelier",
            address="1 rue de l'Exemple",
            capacity=30,
            questions=["Régime alimentaire"],
        )
        services.record_registration(
            actor=EXAMPLES, event=event, email="inscrit@example.org", name="Inscrite Exemple", attended=True
        )
    return event


def example_campaign(ctx: ExampleContext) -> Campaign:
    today = timezone.localdate()
    campaign = Campaign.objects.filter(territory=ctx.territory, slug="mois-de-l-ess-exemple").first()
    if campaign is None:
        campaign = services.create_campaign(
            actor=EXAMPLES,
            territory=ctx.territory,
            slug="mois-de-l-ess-exemple",
            title="Mois de l'ESS",
            starts_on=today,
            ends_on=today + dt.timedelta(days=30),
        )
    return campaign


def example_proposal(ctx: ExampleContext) -> Event:
    event = example_event(ctx)
    proposal = Event.objects.filter(territory=ctx.territory, slug="proposition-exemple").first()
    if proposal is None:
        proposal = services.create_event(
            actor=EXAMPLES,
            territory=ctx.territory,
            slug="proposition-exemple",
            title="Portes ouvertes",
            start=event.start,
            end=event.end,
            campaign=example_campaign(ctx),
            venue="Atelier",
        )
    return proposal


def _registration_id(ctx: ExampleContext) -> int:
    return example_event(ctx).registrations.first().pk


def _page(name: str, url, expected, kind: str = "page", axe_as: str | None = None) -> None:
    registry.add_page(PageSpec(name=name, example_url=url, expected=expected, kind=kind, axe_as=axe_as))  # type: ignore[arg-type]


PROPOSE = statuses(anonymous=302, member=403, manager_other=200, animator_other=403, animator=200)


def register() -> None:
    registry.add_menu(MenuEntry(key="agenda", label="Agenda", url_name="events:list", order=20))
    registry.add_my_space_section(my_space.PROVIDER)
    slug = lambda ctx: example_event(ctx).slug  # noqa: E731
    _page("events:list", lambda ctx: "/agenda/", PUBLIC)
    _page("events:month", lambda ctx: "/agenda/mois/", PUBLIC)
    markers_url = "/agenda/carte.json?bbox=5,43,8,45&kind=rendez_vous"
    _page("events:markers", lambda ctx: markers_url, PUBLIC, kind="api")
    _page("events:programme", lambda ctx: "/agenda/programme/", PUBLIC)
    _page("events:programme_pdf", lambda ctx: "/agenda/programme.pdf", PUBLIC, kind="file")
    _page("events:feed", lambda ctx: "/agenda/agenda.ics?kind=rendez_vous", PUBLIC, kind="file")
    _page("events:detail", lambda ctx: f"/agenda/{slug(ctx)}/", PUBLIC, axe_as="animator")
    _page("events:event_ics", lambda ctx: f"/agenda/{slug(ctx)}/agenda.ics", PUBLIC, kind="file")
    _page("events:register", lambda ctx: f"/agenda/{slug(ctx)}/inscription/", PUBLIC, axe_as="member")
    _page("events:unregister", lambda ctx: f"/agenda/{slug(ctx)}/desinscription/", SIGNED_IN, axe_as="member")
    _page(
        "events:confirm",
        lambda ctx: (
            "/agenda/inscription/confirmer/"
            f"{make_token(services.CONFIRM_PURPOSE, {'r': _registration_id(ctx)}, single_use=True)}/"
        ),
        PUBLIC,
    )
    _page(
        "events:cancel_link",
        lambda ctx: (
            "/agenda/inscription/annuler/"
            f"{make_token(services.CANCEL_PURPOSE, {'r': _registration_id(ctx)})}/"
        ),
        PUBLIC,
    )
    _page(
        "events:checkin",
        lambda ctx: f"/agenda/emargement/{make_token('events.checkin', {'e': example_event(ctx).pk})}/",
        PUBLIC,
    )
    _page("events:create", lambda ctx: "/agenda/nouveau/", ANIMATOR_ONLY, axe_as="animator")
    _page("events:series_create", lambda ctx: "/agenda/nouvelle-serie/", ANIMATOR_ONLY, axe_as="animator")
    for name, suffix in [
        ("events:edit", "modifier/"),
        ("events:status", "statut/"),
        ("events:manage", "gestion/"),
        ("events:message", "message/"),
        ("events:report", "compte-rendu/"),
    ]:
        _page(
            name, lambda ctx, suffix=suffix: f"/agenda/{slug(ctx)}/{suffix}", ANIMATOR_ONLY, axe_as="animator"
        )
    _page(
        "events:occurrence_edit",
        lambda ctx: f"/agenda/{example_occurrence(ctx).slug}/modifier-la-date/",
        ANIMATOR_ONLY,
        axe_as="animator",
    )
    _page(
        "events:export", lambda ctx: f"/agenda/{slug(ctx)}/inscrits/?format=xlsx", ANIMATOR_ONLY, kind="file"
    )
    _page(
        "events:signin_sheet", lambda ctx: f"/agenda/{slug(ctx)}/emargement.pdf", ANIMATOR_ONLY, kind="file"
    )
    _page(
        "events:attestation",
        lambda ctx: f"/agenda/{slug(ctx)}/attestation/{_registration_id(ctx)}.pdf",
        ANIMATOR_ONLY,
        kind="file",
    )
    _page(
        "events:campaign",
        lambda ctx: f"/agenda/campagnes/{example_campaign(ctx).slug}/",
        PUBLIC,
        axe_as="animator",
    )
    _page(
        "events:propose",
        lambda ctx: f"/agenda/campagnes/{example_campaign(ctx).slug}/proposer/",
        PROPOSE,
        axe_as="animator",
    )
    _page(
        "events:campaign_validate",
        lambda ctx: f"/agenda/{example_proposal(ctx).slug}/valider/",
        ANIMATOR_ONLY,
        axe_as="animator",
    )

    _page("api:events", lambda ctx: "/api/v1/agenda?kind=rendez_vous", PUBLIC, kind="api")
    _page("api:event", lambda ctx: f"/api/v1/agenda/{slug(ctx)}", PUBLIC, kind="api")

    registry.add_content_provider(
        ContentProvider(key="events.upcoming", label="Prochains rendez-vous", build=blocks.upcoming_block)
    )
    registry.add_link_target(links.EVENT_TARGET)
    registry.add_link_target(links.SERIES_TARGET)
    registry.add_metric(
        Metric(
            key="events.rendezvous_held",
            label="Rendez-vous de l'ESS tenus",
            unit="rendez-vous",
            compute=metrics.rendezvous_held,
            description="Rendez-vous de l'ESS publiés (ou clos) qui ont eu lieu pendant la période.",
        )
    )
    registry.add_metric(
        Metric(
            key="events.events_held",
            label="Rendez-vous tenus (tous types)",
            unit="rendez-vous",
            compute=metrics.events_held,
        )
    )
    registry.add_metric(
        Metric(
            key="events.attendance",
            label="Participants aux rendez-vous",
            unit="participations",
            compute=metrics.attendance,
            description="Présences pointées aux rendez-vous tenus pendant la période "
            "(une personne venue deux fois compte deux fois).",
        )
    )
    registry.add_metric(
        Metric(
            key="events.rendezvous_attendance",
            label="Participants aux Rendez-vous de l'ESS",
            unit="participations",
            compute=metrics.rendezvous_attendance,
        )
    )
    registry.add_periodic_job(
        PeriodicJob(
            key="events.materialise_series",
            task_path="maillage.events.tasks.materialise_series_task",
            every=dt.timedelta(days=1),
        )
    )
    registry.add_periodic_job(
        PeriodicJob(
            key="events.reminders",
            task_path="maillage.events.tasks.send_reminders_task",
            every=dt.timedelta(hours=1),
        )
    )
    registry.add_periodic_job(
        PeriodicJob(
            key="events.release_holds",
            task_path="maillage.events.tasks.release_holds_task",
            every=dt.timedelta(minutes=5),
        )
    )
    registry.add_personal_data(
        PersonalDataHook(
            key="events.registrations",
            models=("events.Registration",),
            label="Inscriptions aux rendez-vous",
            export=services.export_person,
            erase=services.erase_person,
            retention=services.expire_registrations,
            retention_text=registration_retention_text(),
            order=50,
        )
    )
    registry.add_demo_loader(DemoLoader(key="events", load=demo.load, order=40))
    # Mails to registrants who have an account go through the notification centre, under these kinds;
    # registrations by address alone are mailed directly.
    for key, label in (
        (services.KIND_REGISTRATION, "Rendez-vous : inscription confirmée ou liste d'attente"),
        (services.KIND_CHANGED, "Rendez-vous : changement de date ou de lieu, annulation"),
        (services.KIND_MESSAGE, "Rendez-vous : message de l'organisation aux inscrits"),
        (services.KIND_WAITLIST, "Rendez-vous : une place s'est libérée pour vous"),
        (services.KIND_REMINDER, "Rendez-vous : rappel avant le rendez-vous"),
    ):
        registry.add_notification_kind(NotificationKind(key=key, label=label))


def example_occurrence(ctx: ExampleContext) -> Event:
    event = Event.objects.filter(territory=ctx.territory, series__isnull=False).order_by("start").first()
    if event is None:
        start = timezone.localtime(timezone.now() + dt.timedelta(days=40)).replace(
            hour=18, minute=0, second=0, microsecond=0
        )
        series = services.create_series(
            actor=EXAMPLES,
            territory=ctx.territory,
            rrule="FREQ=MONTHLY;BYDAY=1FR;COUNT=3",
            first_start=start,
            duration=dt.timedelta(hours=2),
            hosts=[ctx.structure],
            title="Rendez-vous de l'ESS",
            venue="Salle",
        )
        event = series.occurrences.order_by("start").first()
    return event
