"""Builders of the Trophée's tests: everything through the services, like the pages do."""

from __future__ import annotations

from maillage.awards import services
from maillage.awards.models import Edition
from maillage.core.actors import system

SYS = system("tests")


def edition_with_nominees(territory, structures, *, year=2026, to="voting") -> Edition:
    """An edition with two categories; each structure self-nominated (by the system) in the first one."""
    edition = services.create_edition(
        actor=SYS,
        territory=territory,
        year=year,
        title=f"Trophée {year}",
        categories=[("Transition écologique", ""), ("Inclusion et solidarité", "")],
    )
    services.transition_edition(actor=SYS, edition=edition, to="nominations")
    first = edition.categories.first()
    for structure in structures:
        services.nominate(
            actor=SYS, category=first, structure=structure, initiative=f"Projet de {structure.name}"
        )
    for state in ("voting", "closed"):
        if edition.status == to:
            break
        services.transition_edition(actor=SYS, edition=edition, to=state)
    edition.refresh_from_db()
    return edition
