"""The contract's objectives as the home page shows them: the territory's own.

They come from the module that owns the contract through the registry (`ObjectivesProvider`: the plan's
current version's objectives), else from `territory.settings["objectives"]` (a list of strings, for a
territory without a plan on the platform); without either, the home page shows no objectives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from maillage.core.registry import registry

if TYPE_CHECKING:
    from maillage.core.models import Territory


def _cleaned(items: object) -> list[str]:
    if not isinstance(items, list | tuple):
        return []
    return [str(item).strip() for item in items if str(item).strip()]


def objectives_for(territory: Territory | None) -> list[str]:
    """The territory's objectives (first registry provider with some, else its settings), or []."""
    if territory is None:
        return []
    for provider in sorted(registry.objectives_providers.values(), key=lambda p: (p.order, p.key)):
        found = _cleaned(list(provider.objectives(territory)))
        if found:
            return found
    return _cleaned((territory.settings or {}).get("objectives"))
