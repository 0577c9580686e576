"""What the workspace app brings to the registry: pages, menu, the selected-news block of the lettre, the
atelier link target, notification kinds (delivered by maillage.notifications), personal data, the feeds job,
the demo."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from maillage.core.actors import SYSTEM
from maillage.core.registry import (
    PUBLIC,
    MenuEntry,
    NotificationKind,
    PageSpec,
    PeriodicJob,
    registry,
    statuses,
)
from maillage.workspace import notify, providers

POST_ONLY = statuses(anonymous=302, member=405, manager_other=405, animator_other=405, animator=405)
STAFF_ONLY = statuses(anonymous=302, member=403, manager_other=403, animator_other=403, animator=200)
ATELIER_MEMBERS = statuses(anonymous=302, member=200, manager_other=403, animator_other=403, animator=200)
TERRITORY_MEMBERS = statuses(anonymous=302, member=200, manager_other=200, animator_other=403, animator=200)
# Coordination of the atelier (none among the matrix's roles) and the territory's animators.
COORDINATORS = statuses(anonymous=302, member=403, manager_other=403, animator_other=403, animator=200)
POST_READERS = statuses(anonymous=302, member=200, manager_other=404, animator_other=404, animator=200)


def _example_atelier(ctx: Any):
    from maillage.workspace import services  # noqa: PLC0415 - models at call time
    from maillage.workspace.models import Atelier  # noqa: PLC0415

    atelier = Atelier.objects.filter(territory=ctx.territory, slug="atelier-exemple").first()
    if atelier is None:
        atelier = services.create_atelier(
            actor=SYSTEM,
            territory=ctx.territory,
            name="Atelier d'exemple",
            purpose="Essai",
            slug="atelier-exemple",
        )
    services.add_member(actor=SYSTEM, atelier=atelier, user=ctx.users["member"])
    return atelier


def _example_post(ctx: Any):
    from maillage.workspace import services  # noqa: PLC0415

    atelier = _example_atelier(ctx)
    thread = atelier.threads.first() or services.create_thread(
        actor=ctx.users["member"],
        territory=ctx.territory,
        atelier=atelier,
        title="Une question",
        body="Bonjour",
    )
    return thread.posts.first()


def _example_document(ctx: Any):
    from django.core.files.base import ContentFile  # noqa: PLC0415

    from maillage.workspace import services  # noqa: PLC0415

    atelier = _example_atelier(ctx)
    return atelier.documents.first() or services.upload_document(
        actor=ctx.users["member"],
        atelier=atelier,
        title="Compte rendu",
        file=ContentFile(b"Compte rendu de la reunion", name="compte-rendu.txt"),
    )


def _example_meeting(ctx: Any):
    import datetime as dt  # noqa: PLC0415

    from django.utils import timezone  # noqa: PLC0415

    from maillage.workspace import services  # noqa: PLC0415

    atelier = _example_atelier(ctx)
    meeting = atelier.meetings.first()
    if meeting is None:
        start = timezone.now() - dt.timedelta(days=7)
        meeting = services.create_meeting(
            actor=ctx.users["animator"],
            atelier=atelier,
            title="Réunion d'exemple",
            start=start,
            end=start + dt.timedelta(hours=2),
            venue="Mairie",
        )
    return meeting


def register() -> None:
    from maillage.workspace import demo, my_space, personal_data  # noqa: PLC0415

    registry.add_menu(MenuEntry(key="ateliers", label="Ateliers", url_name="workspace:list", order=50))
    registry.add_my_space_section(my_space.PROVIDER)
    registry.add_menu(MenuEntry(key="veille", label="Veille", url_name="workspace:news", order=55))
    pages = [
        PageSpec(name="workspace:list", example_url=lambda ctx: "/ateliers/", expected=PUBLIC),
        PageSpec(name="workspace:create", example_url=lambda ctx: "/ateliers/nouveau/", expected=STAFF_ONLY),
        PageSpec(
            name="workspace:atelier",
            example_url=lambda ctx: f"/ateliers/{_example_atelier(ctx).slug}/",
            expected=PUBLIC,
            axe_as="member",
        ),
        PageSpec(
            name="workspace:join",
            example_url=lambda ctx: f"/ateliers/{_example_atelier(ctx).slug}/adhesion/",
            expected=POST_ONLY,
            kind="api",
        ),
        PageSpec(
            name="workspace:members",
            example_url=lambda ctx: f"/ateliers/{_example_atelier(ctx).slug}/membres/",
            expected=ATELIER_MEMBERS,
        ),
        PageSpec(
            name="workspace:member_decide",
            example_url=lambda ctx: f"/ateliers/{_example_atelier(ctx).slug}/membres/1/",
            expected=POST_ONLY,
            kind="api",
        ),
        PageSpec(
            name="workspace:thread_create",
            example_url=lambda ctx: f"/ateliers/{_example_atelier(ctx).slug}/nouvelle-discussion/",
            expected=ATELIER_MEMBERS,
        ),
        PageSpec(
            name="workspace:thread",
            example_url=lambda ctx: f"/ateliers/discussions/{_example_post(ctx).thread_id}/",
            expected=ATELIER_MEMBERS,
        ),
        PageSpec(
            name="workspace:post_edit",
            example_url=lambda ctx: f"/ateliers/messages/{_example_post(ctx).pk}/modifier/",
            expected=statuses(anonymous=302, member=200, manager_other=404, animator_other=404, animator=403),
            axe_as="member",
        ),
        PageSpec(
            name="workspace:post_history",
            example_url=lambda ctx: f"/ateliers/messages/{_example_post(ctx).pk}/historique/",
            expected=POST_READERS,
        ),
        PageSpec(
            name="workspace:post_report",
            example_url=lambda ctx: f"/ateliers/messages/{_example_post(ctx).pk}/signaler/",
            expected=POST_READERS,
        ),
        PageSpec(
            name="workspace:post_moderate",
            example_url=lambda ctx: f"/ateliers/messages/{_example_post(ctx).pk}/moderer/",
            expected=statuses(anonymous=302, member=403, manager_other=404, animator_other=404, animator=200),
        ),
        PageSpec(
            name="workspace:reports", example_url=lambda ctx: "/ateliers/signalements/", expected=STAFF_ONLY
        ),
        PageSpec(
            name="workspace:report_dismiss",
            example_url=lambda ctx: "/ateliers/signalements/1/classer/",
            expected=POST_ONLY,
            kind="api",
        ),
        PageSpec(
            name="workspace:exchanges",
            example_url=lambda ctx: "/ateliers/echanges/",
            expected=TERRITORY_MEMBERS,
        ),
        PageSpec(
            name="workspace:exchange_create",
            example_url=lambda ctx: "/ateliers/echanges/nouveau/",
            expected=TERRITORY_MEMBERS,
        ),
        PageSpec(
            name="workspace:news",
            example_url=lambda ctx: "/ateliers/veille/",
            expected=PUBLIC,
            axe_as="animator",
        ),
        PageSpec(
            name="workspace:news_create",
            example_url=lambda ctx: "/ateliers/veille/proposer/",
            expected=TERRITORY_MEMBERS,
        ),
        PageSpec(
            name="workspace:news_pick",
            example_url=lambda ctx: "/ateliers/veille/1/retenir/",
            expected=POST_ONLY,
            kind="api",
        ),
        PageSpec(
            name="workspace:feeds", example_url=lambda ctx: "/ateliers/veille/flux/", expected=STAFF_ONLY
        ),
        PageSpec(
            name="workspace:feed_import",
            example_url=lambda ctx: "/ateliers/veille/flux/1/lire/",
            expected=POST_ONLY,
            kind="api",
        ),
        PageSpec(
            name="workspace:meetings",
            example_url=lambda ctx: f"/ateliers/{_example_atelier(ctx).slug}/reunions/",
            expected=COORDINATORS,
            axe_as="animator",
        ),
        PageSpec(
            name="workspace:meeting_minutes",
            example_url=lambda ctx: f"/ateliers/reunions/{_example_meeting(ctx).pk}/compte-rendu/",
            expected=COORDINATORS,
            axe_as="animator",
        ),
        PageSpec(
            name="workspace:documents",
            example_url=lambda ctx: f"/ateliers/{_example_atelier(ctx).slug}/documents/",
            expected=ATELIER_MEMBERS,
        ),
        PageSpec(
            name="workspace:document",
            example_url=lambda ctx: f"/ateliers/documents/{_example_document(ctx).pk}/",
            expected=ATELIER_MEMBERS,
        ),
        PageSpec(
            name="workspace:document_download",
            example_url=lambda ctx: (
                f"/ateliers/documents/versions/{_example_document(ctx).versions.first().pk}/telecharger/"
            ),
            expected=ATELIER_MEMBERS,
            kind="file",
        ),
    ]
    pages.append(
        PageSpec(name="api:veille", example_url=lambda ctx: "/api/v1/veille", expected=PUBLIC, kind="api")
    )
    for page in pages:
        registry.add_page(page)
    registry.add_content_provider(providers.SELECTED_NEWS)
    registry.add_link_target(providers.ATELIER_TARGET)
    registry.add_group_membership(providers.ATELIER_MEMBERSHIP)
    for kind in (
        NotificationKind(
            key=notify.KIND_MENTION, label="Quelqu'un vous mentionne", default_delivery="immediate"
        ),
        NotificationKind(
            key=notify.KIND_REPLY,
            label="Nouvelles discussions et réponses dans vos ateliers",
            default_delivery="daily",
        ),
        NotificationKind(
            key=notify.KIND_MEMBERSHIP,
            label="Adhésions aux ateliers (demandes, réponses)",
            default_delivery="immediate",
        ),
        NotificationKind(
            key=notify.KIND_REPORT, label="Messages signalés (modération)", default_delivery="immediate"
        ),
    ):
        registry.add_notification_kind(kind)
    registry.add_personal_data(personal_data.HOOK)
    registry.add_periodic_job(
        PeriodicJob(
            key="workspace.feeds",
            task_path="maillage.workspace.tasks.import_feeds_task",
            every=timedelta(hours=1),
        )
    )
    registry.add_demo_loader(demo.LOADER)
