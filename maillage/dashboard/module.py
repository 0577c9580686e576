"""What the dashboard brings to the registry: its menu entry, its pages (the figures, their CSV tables
and PDF, the site search, the open data, the embeds), and its periodic jobs (figures hourly, open data
nightly)."""

from __future__ import annotations

import datetime as dt

from maillage.core.registry import (
    ANIMATOR_ONLY,
    PUBLIC,
    MenuEntry,
    PageSpec,
    PeriodicJob,
    fixed_url,
    registry,
    statuses,
)

# A form's target (POST only): a GET is refused once signed in, and sends the anonymous to log in.
POST_ONLY = statuses(anonymous=302, member=405, manager_other=405, animator_other=405, animator=405)


def _pages() -> list[PageSpec]:
    return [
        PageSpec(name="dashboard:figures", example_url=fixed_url("/chiffres/"), expected=PUBLIC),
        PageSpec(
            name="dashboard:figures_year", example_url=fixed_url("/chiffres/?annee=2025"), expected=PUBLIC
        ),
        PageSpec(
            name="dashboard:animation",
            example_url=fixed_url("/chiffres/animation/"),
            expected=ANIMATOR_ONLY,
            axe_as="animator",
        ),
        PageSpec(
            name="dashboard:csv",
            example_url=fixed_url("/chiffres/familles.csv"),
            expected=PUBLIC,
            kind="file",
        ),
        PageSpec(
            name="dashboard:pdf",
            example_url=fixed_url("/chiffres/ess-du-territoire-en-chiffres.pdf"),
            expected=PUBLIC,
            kind="file",
        ),
        PageSpec(
            name="dashboard:refresh",
            example_url=fixed_url("/chiffres/animation/recalculer/"),
            expected=POST_ONLY,
            kind="api",
        ),
        PageSpec(name="dashboard:search", example_url=fixed_url("/recherche/?q=structure"), expected=PUBLIC),
        PageSpec(name="dashboard:open_data", example_url=fixed_url("/donnees-ouvertes/"), expected=PUBLIC),
        PageSpec(
            name="dashboard:open_data_file",
            example_url=fixed_url("/donnees-ouvertes/structures.csv"),
            expected=PUBLIC,
            kind="file",
        ),
        PageSpec(
            name="dashboard:open_data_schema",
            example_url=fixed_url("/donnees-ouvertes/structures.schema.json"),
            expected=PUBLIC,
            kind="file",
        ),
        PageSpec(name="dashboard:embeds", example_url=fixed_url("/integrer/"), expected=PUBLIC),
        PageSpec(name="dashboard:territories", example_url=fixed_url("/territoires/"), expected=PUBLIC),
        PageSpec(name="dashboard:embed_map", example_url=fixed_url("/integrer/carte/"), expected=PUBLIC),
        PageSpec(name="dashboard:embed_agenda", example_url=fixed_url("/integrer/agenda/"), expected=PUBLIC),
        PageSpec(
            name="dashboard:embed_signatories",
            example_url=fixed_url("/integrer/signataires/"),
            expected=PUBLIC,
        ),
    ]


def register() -> None:
    registry.add_menu(MenuEntry(key="dashboard", label="Chiffres", url_name="dashboard:figures", order=80))
    for page in _pages():
        registry.add_page(page)
    registry.add_periodic_job(
        PeriodicJob(
            key="dashboard.build_open_data",
            task_path="maillage.dashboard.tasks.build_open_data_task",
            every=dt.timedelta(days=1),
        )
    )
    registry.add_periodic_job(
        PeriodicJob(
            key="dashboard.refresh_figures",
            task_path="maillage.dashboard.tasks.refresh_figures_task",
            every=dt.timedelta(hours=1),
        )
    )
