"""The contract's default text: the four objectives of the Pôle Azur Provence CLDESS action plan (May 2012).

Until the plan module owns objectives, the home page reads `territory.settings["objectives"]` (a list of
strings) and falls back to these defaults.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from maillage.core.models import Territory

DEFAULT_OBJECTIVES: tuple[str, ...] = (
    "Identifier, structurer et animer un réseau des acteurs de l'ESS à l'échelle du territoire",
    (
        "Faire connaître et reconnaître l'ESS sur le territoire, "
        "promouvoir et partager ses valeurs et ses pratiques"
    ),
    "Renforcer les acteurs de l'ESS sur le territoire",
    "Soutenir le développement de l'ESS",
)


def objectives_for(territory: Territory | None) -> list[str]:
    """The territory's objectives (its settings), else the seed's four; blank entries are ignored."""
    if territory is not None:
        custom = (territory.settings or {}).get("objectives")
        if isinstance(custom, list):
            cleaned = [str(item).strip() for item in custom if str(item).strip()]
            if cleaned:
                return cleaned
    return list(DEFAULT_OBJECTIVES)
