"""Database helpers that hide the few differences between SQLite and PostgreSQL.

- `is_postgres()` / `is_sqlite()`: the vendor of the default connection.
- `lock_row(queryset, pk)`: read a row to update it, locked until the end of the current transaction. On
  PostgreSQL, `SELECT … FOR UPDATE`. On SQLite, `select_for_update()` does nothing, but every transaction
  starts with ``BEGIN IMMEDIATE`` (``OPTIONS["transaction_mode"]``), which takes the database's write lock
  at once: no other writer can change the row before we commit.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import connections, models

ModelT = TypeVar("ModelT", bound=models.Model)


def vendor(using: str = "default") -> str:
    return connections[using].vendor


def is_postgres(using: str = "default") -> bool:
    return vendor(using) == "postgresql"


def is_sqlite(using: str = "default") -> bool:
    return vendor(using) == "sqlite"


def lock_row(queryset: models.QuerySet[ModelT], pk: Any) -> ModelT:
    """The row `pk` of `queryset`, locked for the rest of the transaction. Must run inside `atomic()`."""
    using = queryset.db
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("lock_row() must run inside transaction.atomic().")
    if connection.vendor == "sqlite":
        if getattr(connection, "transaction_mode", None) not in ("IMMEDIATE", "EXCLUSIVE"):
            raise RuntimeError("SQLite must run with OPTIONS['transaction_mode'] = 'IMMEDIATE' to lock rows.")
        return queryset.get(pk=pk)
    return queryset.select_for_update().get(pk=pk)
