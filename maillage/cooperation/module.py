"""What cooperation brings to the registry: the menu entry, its pages (public and animation), the API
list, the periodic import of subscribed installations, and the demo (the second territory's structures and
the practices the two territories share)."""

from __future__ import annotations

import datetime as dt

from maillage.cooperation import demo
from maillage.cooperation.examples import example_imported, example_share
from maillage.core.registry import (
    ANIMATOR_ONLY,
    PUBLIC,
    DemoLoader,
    MenuEntry,
    PageSpec,
    PeriodicJob,
    registry,
    statuses,
)

POST_ONLY = statuses(anonymous=302, member=405, manager_other=405, animator_other=405, animator=405)


def _pages() -> list[PageSpec]:
    return [
        PageSpec(
            name="cooperation:home", example_url=lambda c: "/cooperation/", expected=PUBLIC, axe_as="animator"
        ),
        PageSpec(
            name="cooperation:shared",
            example_url=lambda c: f"/cooperation/partage/{example_share(c).pk}/",
            expected=PUBLIC,
            axe_as="member",
        ),
        PageSpec(
            name="cooperation:imported",
            example_url=lambda c: f"/cooperation/importe/{example_imported(c).pk}/",
            expected=PUBLIC,
            axe_as="member",
        ),
        PageSpec(
            name="cooperation:animation",
            example_url=lambda c: (example_share(c), "/cooperation/animation/")[1],
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="cooperation:subscriptions",
            example_url=lambda c: (example_imported(c), "/cooperation/abonnements/")[1],
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="cooperation:share",
            example_url=lambda c: "/cooperation/animation/partager/",
            expected=POST_ONLY,
            kind="api",
        ),
        PageSpec(
            name="cooperation:withdraw",
            example_url=lambda c: f"/cooperation/animation/partages/{example_share(c).pk}/retirer/",
            expected=POST_ONLY,
            kind="api",
        ),
        PageSpec(
            name="cooperation:refresh",
            example_url=lambda c: (
                f"/cooperation/abonnements/{example_imported(c).subscription_id}/actualiser/"
            ),
            expected=POST_ONLY,
            kind="api",
        ),
        PageSpec(
            name="cooperation:unsubscribe",
            example_url=lambda c: (
                f"/cooperation/abonnements/{example_imported(c).subscription_id}/supprimer/"
            ),
            expected=POST_ONLY,
            kind="api",
        ),
        PageSpec(
            name="api:cooperation_shared",
            example_url=lambda c: (example_share(c), "/api/v1/cooperation/partages")[1],
            expected=PUBLIC,
            kind="api",
        ),
    ]


def register() -> None:
    registry.add_menu(
        MenuEntry(key="cooperation", label="Coopération", url_name="cooperation:home", order=88)
    )
    for page in _pages():
        registry.add_page(page)
    registry.add_periodic_job(
        PeriodicJob(
            key="cooperation.refresh_subscriptions",
            task_path="maillage.cooperation.tasks.refresh_subscriptions_task",
            every=dt.timedelta(hours=1),
        )
    )
    registry.add_demo_loader(DemoLoader(key="cooperation_demo", load=demo.load, order=85))
