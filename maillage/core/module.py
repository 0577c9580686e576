"""What core brings to the registry: the home page, legal pages."""

from datetime import timedelta

from maillage.core.demo_loader import load_core_demo
from maillage.core.mail import erase_queued_mail, export_queued_mail
from maillage.core.registry import (
    PUBLIC,
    DemoLoader,
    MenuEntry,
    PageSpec,
    PeriodicJob,
    PersonalDataHook,
    fixed_url,
    registry,
)


def register() -> None:
    registry.add_menu(MenuEntry(key="home", label="Accueil", url_name="core:home", order=0))
    for name, url in [
        ("core:home", "/"),
        ("core:legal_notice", "/mentions-legales/"),
        ("core:privacy", "/donnees-personnelles/"),
        ("core:accessibility", "/accessibilite/"),
        ("core:sitemap", "/plan-du-site/"),
    ]:
        registry.add_page(PageSpec(name=name, example_url=fixed_url(url), expected=PUBLIC))
    registry.add_page(
        PageSpec(name="core:theme", example_url=lambda ctx: "/theme.css", expected=PUBLIC, kind="file")
    )
    registry.add_demo_loader(DemoLoader(key="core", load=load_core_demo, order=10))
    register_background_work()


def register_background_work() -> None:
    """Core's periodic jobs (run by the worker, enqueued by `maillage scheduler`) and its personal-data hook
    for the mail queue (task arguments hold recipients' addresses)."""
    registry.add_periodic_job(
        PeriodicJob(
            key="core.reap_stale_tasks",
            every=timedelta(minutes=5),
            task_path="maillage.core.tasks.reap_stale_tasks_task",
        )
    )
    registry.add_periodic_job(
        PeriodicJob(
            key="core.worker_heartbeat",
            every=timedelta(minutes=1),
            task_path="maillage.core.health.worker_heartbeat_task",
        )
    )
    registry.add_periodic_job(
        PeriodicJob(
            key="core.personal_data_retention",
            every=timedelta(days=1),
            task_path="maillage.core.tasks.run_retention_task",
        )
    )
    registry.add_periodic_job(
        PeriodicJob(
            key="core.prune_task_results",
            every=timedelta(days=1),
            task_path="maillage.core.tasks.prune_task_results_task",
            kwargs={"days": 30},
        )
    )
    registry.add_personal_data(
        PersonalDataHook(
            key="core.mail_queue",
            retention_text="un courriel quitte la file d'envoi 30 jours après son envoi",
            label="Courriels en file d'envoi",
            export=export_queued_mail,
            erase=erase_queued_mail,
            order=50,
        )
    )
