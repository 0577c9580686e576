import datetime as dt

from maillage.actors import demo, personal_data, selectors, services
from maillage.actors.models import Practice
from maillage.actors.services import notices
from maillage.core.actors import system
from maillage.core.registry import (
    ANIMATOR_ONLY,
    PUBLIC,
    SIGNED_IN,
    DemoLoader,
    MenuEntry,
    Metric,
    NotificationKind,
    PageSpec,
    PeriodicJob,
    registry,
    statuses,
)

# A manager of the structure or the territory's animation (the matrix has no manager of ctx.structure).
EDITORS_ONLY = statuses(anonymous=302, member=403, manager_other=403, animator_other=403, animator=200)
POST_ONLY = statuses(anonymous=302, member=405, manager_other=405, animator_other=405, animator=405)


def _practice(ctx):  # type: ignore[no-untyped-def]
    practice = Practice.objects.filter(structure=ctx.structure, slug="un-repair-cafe-mensuel").first()
    if practice is None:
        practice = services.save_practice(
            actor=system("exemple du registre"),
            structure=ctx.structure,
            title="Un repair café mensuel",
            themes=["ancrage"],
            body="Chaque mois.",
        )
    return practice


def _batch(ctx):  # type: ignore[no-untyped-def]
    return services.example_import_batch(actor=system("exemple du registre"), territory=ctx.territory)


def register() -> None:
    for key, label in notices.KINDS.items():
        registry.add_notification_kind(NotificationKind(key=key, label=label))
    registry.add_menu(
        MenuEntry(key="structures", label="Annuaire des acteurs", url_name="actors:list", order=10)
    )
    registry.add_menu(
        MenuEntry(key="practices", label="Guide des pratiques", url_name="actors:practices", order=11)
    )
    registry.add_menu(
        MenuEntry(
            key="actors_moderation",
            label="Modération de l'annuaire",
            url_name="actors:moderation",
            order=80,
            audience="moderator",
        )
    )
    registry.add_menu(
        MenuEntry(
            key="actors_import",
            label="Importer des structures",
            url_name="actors:import",
            order=81,
            audience="animator",
        )
    )
    pages = [
        PageSpec(name="actors:list", example_url=lambda ctx: "/structures/?q=ressourcerie", expected=PUBLIC),
        PageSpec(
            name="actors:markers",
            example_url=lambda ctx: "/structures/carte.json?bbox=5,43,8,45",
            expected=PUBLIC,
            kind="api",
        ),
        PageSpec(
            name="actors:export",
            example_url=lambda ctx: "/structures/export.csv",
            expected=PUBLIC,
            kind="file",
        ),
        PageSpec(name="actors:create", example_url=lambda ctx: "/structures/inscrire/", expected=SIGNED_IN),
        PageSpec(
            name="actors:moderation",
            example_url=lambda ctx: "/structures/moderation/",
            expected=ANIMATOR_ONLY,
        ),
        PageSpec(
            name="actors:moderate_structure",
            example_url=lambda ctx: f"/structures/moderation/fiche/{ctx.structure.pk}/",
            expected=POST_ONLY,
            kind="api",
        ),
        PageSpec(
            name="actors:moderate_proposal",
            example_url=lambda ctx: "/structures/moderation/modification/1/",
            expected=POST_ONLY,
            kind="api",
        ),
        PageSpec(
            name="actors:moderate_request",
            example_url=lambda ctx: "/structures/moderation/demande/1/",
            expected=POST_ONLY,
            kind="api",
        ),
        PageSpec(
            name="actors:resolve_report",
            example_url=lambda ctx: "/structures/moderation/signalement/1/",
            expected=POST_ONLY,
            kind="api",
        ),
        PageSpec(
            name="actors:moderate_merge",
            example_url=lambda ctx: "/structures/moderation/fusion/1/",
            expected=POST_ONLY,
            kind="api",
        ),
        PageSpec(name="actors:import", example_url=lambda ctx: "/structures/import/", expected=ANIMATOR_ONLY),
        PageSpec(
            name="actors:import_status",
            example_url=lambda ctx: f"/structures/import/{_batch(ctx).pk}/",
            expected=ANIMATOR_ONLY,
        ),
        PageSpec(name="actors:practices", example_url=lambda ctx: "/structures/pratiques/", expected=PUBLIC),
        PageSpec(
            name="actors:detail",
            example_url=lambda ctx: f"/structures/{ctx.structure.slug}/",
            expected=PUBLIC,
        ),
        PageSpec(
            name="actors:contact",
            example_url=lambda ctx: f"/structures/{ctx.structure.slug}/contact/",
            expected=PUBLIC,
        ),
        PageSpec(
            name="actors:report",
            example_url=lambda ctx: f"/structures/{ctx.structure.slug}/signaler/",
            expected=PUBLIC,
        ),
        PageSpec(
            name="actors:edit",
            example_url=lambda ctx: f"/structures/{ctx.structure.slug}/modifier/",
            expected=EDITORS_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="actors:claim",
            example_url=lambda ctx: f"/structures/{ctx.structure.slug}/demander-la-gestion/",
            expected=SIGNED_IN,
        ),
        PageSpec(
            name="actors:claims",
            example_url=lambda ctx: f"/structures/{ctx.structure.slug}/demandes-de-gestion/",
            expected=EDITORS_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="actors:practice_create",
            example_url=lambda ctx: f"/structures/{ctx.structure.slug}/pratiques/nouvelle/",
            expected=EDITORS_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="actors:practice_detail",
            example_url=lambda ctx: f"/structures/{ctx.structure.slug}/pratiques/{_practice(ctx).slug}/",
            expected=PUBLIC,
        ),
        PageSpec(
            name="actors:practice_edit",
            example_url=lambda ctx: (
                f"/structures/{ctx.structure.slug}/pratiques/{_practice(ctx).slug}/modifier/"
            ),
            expected=EDITORS_ONLY,
            axe_as="animator",
        ),
    ]
    for page in pages:
        registry.add_page(page)
    registry.add_metric(
        Metric(
            key="actors.structures_published",
            label="Structures recensées dans l'annuaire",
            unit="structures",
            compute=selectors.published_count,
            description="Fiches publiées dans l'annuaire des acteurs à la fin de la période (les fiches en "
            "attente, refusées ou archivées ne comptent pas) : le même nombre que l'annuaire affiche.",
        )
    )
    registry.add_personal_data(personal_data.HOOK)
    registry.add_periodic_job(
        PeriodicJob(
            key="actors.interrupted_imports",
            task_path="maillage.actors.tasks.fail_interrupted_imports_task",
            every=dt.timedelta(minutes=5),
        )
    )
    registry.add_demo_loader(DemoLoader(key="actors_demo_managers", load=demo.load, order=25))
