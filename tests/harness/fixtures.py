"""Fixtures of the quality harness (registered from tests/conftest.py through `pytest_plugins`)."""

from __future__ import annotations

import pytest

from maillage.core.registry import ExampleContext
from tests.harness.matrix import example_context


@pytest.fixture
def matrix_users(member, manager_other, animator_other, animator) -> dict:
    """The five roles of the permission matrix (None is anonymous)."""
    return {
        "anonymous": None,
        "member": member,
        "manager_other": manager_other,
        "animator_other": animator_other,
        "animator": animator,
    }


@pytest.fixture
def example_ctx(territory, structure, manager, matrix_users) -> ExampleContext:
    """What the registry's example-URL builders receive (the structure is managed by `manager`)."""
    return example_context(territory=territory, structure=structure, users=matrix_users)
