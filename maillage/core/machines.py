"""The one state machine of the house.

A model with a `status` (or `state`) field declares, next to the model, a `Machine`: the readable table of
allowed moves, the field, and the log model. Services change the state only through `transition()`, which
locks the row, checks the move, writes the field and logs who, when, from, to (and a note) in one go:

    EVENT_MACHINE = register(Machine(
        model="events.Event",
        moves={
            Status.DRAFT: {Status.PUBLISHED, Status.CANCELLED},
            Status.PUBLISHED: {Status.CANCELLED, Status.CLOSED, Status.DRAFT},
            Status.CANCELLED: set(),
            Status.CLOSED: {Status.PUBLISHED},
        },
        log="events.EventTransition",   # a model built on `TransitionLog`, with a foreign key to the event
    ))

    transition(event, Status.PUBLISHED, actor=actor, note="…")        # in a service, inside its transaction
    log_creation(event, actor=actor)                                   # the first line: "" → initial state

Every model with a `status`/`state` field must have a registered machine (tests/test_architecture.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from maillage.core.actors import Actor, actor_label, require_actor, user_of
from maillage.core.db import lock_row

ModelT = TypeVar("ModelT", bound=models.Model)


class TransitionError(ValidationError):
    """A move the machine does not allow; its message is in French, for the person who asked for it."""


class TransitionLog(models.Model):
    """One line of a machine's history. Concrete logs add the foreign key to their object."""

    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who, in words, when `actor` is empty: « Système (import Sirene) », « Visiteur (lien du courriel) »…
    actor_label = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_state or '∅'} → {self.to_state}"


@dataclass(frozen=True)
class Machine:
    """The allowed moves of one field of one model, and where they are logged."""

    model: str  # "app_label.ModelName"
    moves: Mapping[str, Iterable[str]]
    log: str  # "app_label.LogModel" (built on TransitionLog)
    field: str = "status"
    # The log's foreign key to the object; by default the only one pointing at `model`.
    log_fk: str = ""
    # Derived from `moves` in __post_init__: {state: frozenset of next states}.
    _table: dict[str, frozenset[str]] = dataclass_field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table = {str(src): frozenset(str(dst) for dst in dsts) for src, dsts in self.moves.items()}
        unknown = {dst for dsts in table.values() for dst in dsts} - set(table)
        if unknown:
            raise ValueError(f"{self.model}.{self.field}: moves lead to undeclared states {sorted(unknown)}")
        object.__setattr__(self, "_table", table)

    @property
    def key(self) -> str:
        return f"{self.model.lower()}.{self.field}"

    @property
    def states(self) -> frozenset[str]:
        return frozenset(self._table)

    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def log_class(self) -> type[TransitionLog]:
        return apps.get_model(self.log)

    def log_fk_name(self) -> str:
        if self.log_fk:
            return self.log_fk
        target = self.model_class()
        names = [
            f.name
            for f in self.log_class()._meta.get_fields()
            if isinstance(f, models.ForeignKey) and f.related_model is target
        ]
        if len(names) != 1:
            raise ValueError(f"{self.log}: name the foreign key to {self.model} with log_fk")
        return names[0]

    def allowed(self, from_state: str) -> frozenset[str]:
        return self._table.get(str(from_state), frozenset())

    def can(self, from_state: str, to_state: str) -> bool:
        return str(to_state) in self.allowed(from_state)

    def label(self, state: str) -> str:
        """The French label of a state, from the field's choices."""
        field = self.model_class()._meta.get_field(self.field)
        choices = dict(field.flatchoices) if isinstance(field, models.Field) else {}
        return str(choices.get(state, state))

    def check(self, obj: models.Model, to_state: str) -> None:
        current = getattr(obj, self.field)
        if str(to_state) not in self._table:
            raise TransitionError(f"État inconnu : « {to_state} ».", code="unknown_state")
        if not self.can(current, to_state):
            raise TransitionError(
                "Impossible de passer de « %(from)s » à « %(to)s ».",
                code="transition_not_allowed",
                params={"from": self.label(current), "to": self.label(to_state)},
            )


_MACHINES: dict[str, Machine] = {}


def register(machine: Machine) -> Machine:
    """Declare a machine (called in the app's models.py, next to the model)."""
    existing = _MACHINES.get(machine.key)
    if existing is not None and existing != machine:
        raise ValueError(f"machine {machine.key} is registered twice")
    _MACHINES[machine.key] = machine
    return machine


def machines() -> dict[str, Machine]:
    return dict(_MACHINES)


def machine_for(model: type[models.Model] | models.Model, field_name: str | None = None) -> Machine:
    label = model._meta.label_lower
    if field_name is not None:
        return _MACHINES[f"{label}.{field_name}"]
    found = [m for m in _MACHINES.values() if m.model.lower() == label]
    if len(found) != 1:
        raise LookupError(f"{label}: {len(found)} machines; name the field")
    return found[0]


def _write_log(
    machine: Machine, obj: models.Model, from_state: str, to_state: str, actor: Actor | None, note: str
) -> TransitionLog:
    # One dict: the user model behind `actor` is the project's (AUTH_USER_MODEL), typed by django-stubs as the
    # concrete User once an app declares a log, while `user_of` returns the abstract base user.
    fields: dict[str, Any] = {
        machine.log_fk_name(): obj,
        "from_state": from_state,
        "to_state": to_state,
        "actor": user_of(actor),
        "actor_label": actor_label(actor),
        "note": note[:300],
    }
    return machine.log_class()._default_manager.create(**fields)


def transition(
    obj: ModelT,
    to_state: str,
    *,
    actor: Actor,
    note: str = "",
    field_name: str | None = None,
    also: Mapping[str, Any] | None = None,
) -> ModelT:
    """Move `obj` to `to_state`: lock its row, check the move, write the field (and `also`), log it.

    Runs inside the caller's transaction (or its own). Returns the locked, updated row; `obj` is updated
    too, so the caller may go on with it. Raises `TransitionError` (a ValidationError) for a forbidden move.
    """
    require_actor(actor)
    machine = machine_for(obj, field_name)
    with transaction.atomic():
        row = lock_row(type(obj)._default_manager.all(), obj.pk)
        machine.check(row, to_state)
        from_state = getattr(row, machine.field)
        updates = {machine.field: str(to_state), **(also or {})}
        for name, value in updates.items():
            setattr(row, name, value)
            setattr(obj, name, value)
        update_fields = list(updates)
        if any(f.name == "updated_at" for f in row._meta.concrete_fields):
            update_fields.append("updated_at")
        row.save(update_fields=update_fields)
        _write_log(machine, row, from_state, str(to_state), actor, note)
    return row


def log_creation(
    obj: models.Model, *, actor: Actor, note: str = "création", field_name: str | None = None
) -> None:
    """The first line of an object's history: from nothing to its initial state."""
    require_actor(actor)
    machine = machine_for(obj, field_name)
    _write_log(machine, obj, "", str(getattr(obj, machine.field)), actor, note)


def history(obj: models.Model, field_name: str | None = None) -> models.QuerySet[TransitionLog]:
    """The object's log lines, oldest first."""
    machine = machine_for(obj, field_name)
    return machine.log_class()._default_manager.filter(**{machine.log_fk_name(): obj}).order_by("at", "pk")
