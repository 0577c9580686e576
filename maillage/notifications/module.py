"""What the notification centre brings to the registry: its pages, the « Mes notifications » menu entry,
personal data, the daily digest job. The kinds themselves are registered by the apps that notify."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from maillage.core.registry import PUBLIC, SIGNED_IN, MenuEntry, PageSpec, PeriodicJob, registry
from maillage.core.tokens import make_token
from maillage.notifications import personal_data
from maillage.notifications.services import ALL_KINDS, UNSUBSCRIBE_PURPOSE


def _off_token(ctx: Any) -> str:
    return make_token(UNSUBSCRIBE_PURPOSE, {"u": ctx.users["member"].pk, "k": ALL_KINDS})


def register() -> None:
    registry.add_menu(
        MenuEntry(
            key="notifications",
            label="Mes notifications",
            url_name="notifications:list",
            order=90,
            audience="authenticated",
        )
    )
    for page in (
        PageSpec(name="notifications:list", example_url=lambda ctx: "/notifications/", expected=SIGNED_IN),
        PageSpec(
            name="notifications:preferences",
            example_url=lambda ctx: "/notifications/reglages/",
            expected=SIGNED_IN,
        ),
        PageSpec(
            name="notifications:off",
            example_url=lambda ctx: f"/notifications/arret/{_off_token(ctx)}/",
            expected=PUBLIC,
        ),
        # The unsubscribe link of mails sent before the centre left the workspace.
        PageSpec(
            name="notifications_legacy:off",
            example_url=lambda ctx: f"/ateliers/notifications/arret/{_off_token(ctx)}/",
            expected=PUBLIC,
        ),
    ):
        registry.add_page(page)
    registry.add_personal_data(personal_data.HOOK)
    registry.add_periodic_job(
        PeriodicJob(
            # The key the workspace registered it under: the scheduler's state (next run) carries over.
            key="workspace.digests",
            task_path="maillage.notifications.tasks.send_digests_task",
            every=timedelta(days=1),
        )
    )
