"""What the newsletter app brings to the registry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from maillage.core.actors import SYSTEM
from maillage.core.registry import (
    ANIMATOR_ONLY,
    PUBLIC,
    MenuEntry,
    PageSpec,
    PeriodicJob,
    registry,
    statuses,
)


def _example_subscriber(ctx: Any):
    from maillage.newsletter import services  # noqa: PLC0415 - models are not ready at import

    return services.record_subscriber(
        actor=SYSTEM, territory=ctx.territory, email="abonnee.exemple@example.org", consent_text="exemple"
    )


def _example_issue(ctx: Any, *, sent: bool):
    from maillage.newsletter import services  # noqa: PLC0415

    return services.record_issue(
        actor=SYSTEM,
        territory=ctx.territory,
        number=901 if sent else 902,
        title="Numéro d'exemple",
        sent_at=timezone.now() if sent else None,
        blocks=[
            {
                "provider": "newsletter.editorial",
                "title": "Éditorial",
                "html": "<p>Bonjour</p>",
                "text": "Bonjour",
            }
        ],
    )


def _confirm_url(ctx: Any) -> str:
    from maillage.newsletter import services  # noqa: PLC0415

    pending = services.record_pending_subscription(
        actor=SYSTEM, territory=ctx.territory, email="nouvelle@example.org"
    )
    return f"/lettre/confirmer/{services.confirmation_token(pending)}/"


def _unsubscribe_url(ctx: Any) -> str:
    from maillage.newsletter.rendering import unsubscribe_token  # noqa: PLC0415

    return f"/lettre/desabonnement/{unsubscribe_token(_example_subscriber(ctx))}/"


ANIMATOR_POST_ONLY = statuses(anonymous=302, member=403, manager_other=403, animator_other=403, animator=405)


def register() -> None:
    from maillage.newsletter import demo, personal_data, providers  # noqa: PLC0415

    registry.add_menu(
        MenuEntry(key="lettre", label="Lettre d’information", url_name="newsletter:subscribe", order=60)
    )
    registry.add_menu(
        MenuEntry(
            key="lettre_gestion",
            label="Gérer la lettre",
            url_name="newsletter:manage",
            order=61,
            audience="animator",
        )
    )
    pages = [
        PageSpec(name="newsletter:subscribe", example_url=lambda ctx: "/lettre/", expected=PUBLIC),
        PageSpec(name="newsletter:confirm", example_url=_confirm_url, expected=PUBLIC),
        PageSpec(name="newsletter:unsubscribe", example_url=_unsubscribe_url, expected=PUBLIC),
        PageSpec(name="newsletter:archive", example_url=lambda ctx: "/lettre/numeros/", expected=PUBLIC),
        PageSpec(
            name="newsletter:feed",
            example_url=lambda ctx: "/lettre/numeros/rss.xml",
            expected=PUBLIC,
            kind="file",
        ),
        PageSpec(
            name="newsletter:issue",
            example_url=lambda ctx: f"/lettre/numeros/{_example_issue(ctx, sent=True).number}/",
            expected=PUBLIC,
        ),
        PageSpec(
            name="newsletter:manage", example_url=lambda ctx: "/lettre/gestion/", expected=ANIMATOR_ONLY
        ),
        PageSpec(
            name="newsletter:subscribers",
            example_url=lambda ctx: "/lettre/gestion/abonnes/",
            expected=ANIMATOR_ONLY,
        ),
        PageSpec(
            name="newsletter:issue_create",
            example_url=lambda ctx: "/lettre/gestion/nouveau/",
            expected=ANIMATOR_ONLY,
        ),
        PageSpec(
            name="newsletter:issue_edit",
            example_url=lambda ctx: f"/lettre/gestion/{_example_issue(ctx, sent=False).pk}/",
            expected=ANIMATOR_ONLY,
        ),
        PageSpec(
            name="newsletter:issue_preview",
            example_url=lambda ctx: f"/lettre/gestion/{_example_issue(ctx, sent=False).pk}/apercu/",
            expected=ANIMATOR_ONLY,
        ),
        PageSpec(
            name="newsletter:issue_test_send",
            example_url=lambda ctx: f"/lettre/gestion/{_example_issue(ctx, sent=False).pk}/essai/",
            expected=ANIMATOR_POST_ONLY,
            kind="api",
        ),
        PageSpec(
            name="newsletter:issue_send",
            example_url=lambda ctx: f"/lettre/gestion/{_example_issue(ctx, sent=False).pk}/envoyer/",
            expected=ANIMATOR_ONLY,
        ),
        PageSpec(
            name="newsletter:issue_status",
            example_url=lambda ctx: f"/lettre/gestion/{_example_issue(ctx, sent=True).pk}/envoi/",
            expected=ANIMATOR_ONLY,
        ),
    ]
    pages += [
        PageSpec(
            name="api:lettre_issues",
            example_url=lambda ctx: "/api/v1/lettre/numeros",
            expected=PUBLIC,
            kind="api",
        ),
        PageSpec(
            name="api:lettre_issue",
            example_url=lambda ctx: f"/api/v1/lettre/numeros/{_example_issue(ctx, sent=True).number}",
            expected=PUBLIC,
            kind="api",
        ),
    ]
    for page in pages:
        registry.add_page(page)
    registry.add_content_provider(providers.EDITORIAL)
    registry.add_personal_data(personal_data.HOOK)
    registry.add_demo_loader(demo.LOADER)
    registry.add_periodic_job(
        PeriodicJob(
            key="newsletter.resume_stalled_sends",
            task_path="maillage.newsletter.tasks.resume_stalled_sends_task",
            every=timedelta(minutes=5),
        )
    )
