"""Transitional: the predicates moved to `maillage.accounts.permissions`.

The feature apps still import them from here; import `maillage.accounts.permissions` instead, then delete
this module (tests/test_architecture.py reports it until then).
"""

from maillage.accounts.permissions import is_animator, is_moderator, is_superuser, territory_of

__all__ = ["is_animator", "is_moderator", "is_superuser", "territory_of"]
