"""Recurring series: create, materialise occurrences, edit one / following / all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.actors.models import Structure
from maillage.core.actors import Actor, system
from maillage.core.machines import log_creation
from maillage.core.models import Territory
from maillage.events import calendars, permissions, recurrence
from maillage.events.models import (
    Event,
    OnHoliday,
    Series,
    Status,
)
from maillage.events.services.common import SERIES_FIELDS, _check_hosts, _check_place, _unique_slug, person_of
from maillage.events.services.events import update_event

# Who creates the occurrences when the periodic job (or a test) materialises a series.
MATERIALISER = system("séries récurrentes")


def _occurrence_fields(series: Series) -> dict[str, Any]:
    return {name: getattr(series, name) for name in SERIES_FIELDS}


def _create_occurrence(
    series: Series, start: dt.datetime, *, actor: Actor, status: str, moved_to: dt.datetime | None = None
) -> Event:
    """The occurrence of the rule's date `start` (its RECURRENCE-ID), held on `moved_to` if given."""
    held = moved_to or start
    event = Event(
        territory=series.territory,
        series=series,
        recurrence_id=start,
        start=held,
        end=held + series.duration,
        created_by=person_of(actor),
        status=status,
        **_occurrence_fields(series),
    )
    event.slug = _unique_slug(series.territory, series.title, held)
    event.save()
    event.hosts.set(series.hosts.all())
    calendars.forget_version(series.territory_id)
    log_creation(event, actor=actor, note="série")
    return event


@transaction.atomic
def create_series(
    *,
    actor: Actor,
    territory: Territory,
    rrule: str,
    first_start: dt.datetime,
    duration: dt.timedelta,
    hosts: Iterable[Structure] = (),
    publish: bool = True,
    on_holiday: str = OnHoliday.KEEP,
    now: dt.datetime | None = None,
    **fields: Any,
) -> Series:
    """A series and its occurrences for the coming year. `on_holiday` says what becomes of a date that
    falls on a French public holiday: kept, skipped, or moved to the next working day (same time)."""
    unknown = set(fields) - SERIES_FIELDS
    if unknown:
        raise TypeError(f"unknown series fields: {sorted(unknown)}")
    if timezone.is_naive(first_start):
        raise ValidationError("La première date doit porter un fuseau horaire.")
    if duration <= dt.timedelta(0):
        raise ValidationError("La fin doit être après le début.")
    _check_place(fields)
    if on_holiday not in OnHoliday.values:
        raise ValidationError("Choisissez ce que deviennent les dates tombant un jour férié.")
    rule = recurrence.validate(rrule, first_start)
    dates = recurrence.occurrences(rule, first_start, after=first_start)
    series = Series(
        territory=territory,
        rrule=rule,
        first_start=dates[0],
        duration=duration,
        on_holiday=on_holiday,
        created_by=person_of(actor),
        **fields,
    )
    series.full_clean(exclude=["uid"])
    series.save()
    series.hosts.set(_check_hosts(territory, hosts))
    series._publish = publish  # type: ignore[attr-defined]
    materialise_series(
        series=series, now=now, status=Status.PUBLISHED if publish else Status.DRAFT, actor=actor
    )
    return series


def materialise_series(
    *,
    series: Series,
    now: dt.datetime | None = None,
    status: str = Status.PUBLISHED,
    actor: Actor = MATERIALISER,
) -> int:
    """Create the occurrences up to now + AHEAD (idempotent: existing recurrence-ids are left alone)."""
    now = now or timezone.now()
    horizon = now + recurrence.AHEAD
    start_from = series.materialised_until or series.first_start
    dates = recurrence.occurrences(series.rrule, series.first_start, after=start_from, before=horizon)
    existing = set(Event.objects.filter(series=series).values_list("recurrence_id", flat=True))
    dates = dates[: recurrence.MAX_OCCURRENCES]
    on_holiday = dict(recurrence.holidays_among(dates)) if series.on_holiday != OnHoliday.KEEP else {}
    rule_days = {d.astimezone(recurrence.PARIS).date() for d in dates}
    created = 0
    for start in dates:
        if start in existing:
            continue
        moved_to = None
        if start in on_holiday:
            moved_to = recurrence.next_working_day(start) if series.on_holiday == OnHoliday.MOVE else None
            if moved_to is None or moved_to.astimezone(recurrence.PARIS).date() in rule_days:
                continue  # skipped (or its next working day already holds a date of the rule)
        _create_occurrence(series, start, actor=actor, status=status, moved_to=moved_to)
        created += 1
    Series.objects.filter(pk=series.pk).update(materialised_until=horizon)
    series.materialised_until = horizon
    return created


def materialise_all_series(*, now: dt.datetime | None = None) -> int:
    """Periodic job: every series gets its occurrences for the coming year."""
    total = 0
    for series in Series.objects.select_related("territory"):
        with transaction.atomic():
            total += materialise_series(series=series, now=now, actor=MATERIALISER)
    return total


def rule_end_before(rule: str, start: dt.datetime) -> str:
    """The rule stopped just before `start` (UNTIL in local time, COUNT removed)."""
    parts = recurrence.parse_parts(rule)
    parts.pop("COUNT", None)
    local = timezone.localtime(start, recurrence.PARIS) - dt.timedelta(seconds=1)
    parts["UNTIL"] = local.strftime("%Y%m%dT%H%M%S")
    return recurrence.normalise(";".join(f"{k}={v}" for k, v in parts.items()))


@transaction.atomic
def edit_occurrences(
    *,
    actor: Actor,
    event: Event,
    scope: str,
    shift: dt.timedelta = dt.timedelta(0),
    duration: dt.timedelta | None = None,
    hosts: Iterable[Structure] | None = None,
    now: dt.datetime | None = None,
    **fields: Any,
) -> list[Event]:
    """Edit one occurrence (« this »), this one and the following (« following »: the series is split at
    this date), or all future occurrences (« all »). `shift` moves the start time (e.g. 18:00 → 18:30),
    kept in local time. Registrants of moved occurrences are told. Returns the changed events."""
    now = now or timezone.now()
    calendars.forget_version(event.territory_id)
    if scope not in ("this", "following", "all"):
        raise ValidationError("Choisissez : cette date, celle-ci et les suivantes, ou toutes.")
    unknown = set(fields) - SERIES_FIELDS
    if unknown:
        raise TypeError(f"unknown series fields: {sorted(unknown)}")
    if scope == "this" or event.series_id is None:
        new_start = _shift_local(event.start, shift)
        new_end = new_start + (duration if duration is not None else event.end - event.start)
        changed = {**fields}
        if new_start != event.start or new_end != event.end:
            changed |= {"start": new_start, "end": new_end}
        return [update_event(actor=actor, event=event, hosts=hosts, **changed)]
    series = Series.objects.get(pk=event.series_id)
    if scope == "following":
        anchor = event.recurrence_id or event.start
        new_series = Series.objects.get(pk=series.pk)
        new_series.pk = None
        new_series.uid = Series._meta.get_field("uid").default()
        new_series.previous = series
        parts = recurrence.parse_parts(series.rrule)
        if "COUNT" in parts:  # the new series gets the dates the old one had left
            done = recurrence.occurrences(
                series.rrule, series.first_start, before=anchor - dt.timedelta(seconds=1)
            )
            parts["COUNT"] = str(max(1, int(parts["COUNT"]) - len(done)))
            new_series.rrule = recurrence.normalise(";".join(f"{k}={v}" for k, v in parts.items()))
        new_series.first_start = _shift_local(anchor, shift)
        new_series.materialised_until = None
        for name, value in fields.items():
            setattr(new_series, name, value)
        if duration is not None:
            new_series.duration = duration
        new_series.save()
        new_series.hosts.set(list(hosts) if hosts is not None else series.hosts.all())
        series.rrule = rule_end_before(series.rrule, anchor)
        series.save(update_fields=["rrule", "updated_at"])
        targets = list(Event.objects.filter(series=series, recurrence_id__gte=anchor))
        for occurrence in targets:
            occurrence.series = new_series
            occurrence.recurrence_id = _shift_local(occurrence.recurrence_id or occurrence.start, shift)
            occurrence.save(update_fields=["series", "recurrence_id"])
        series = new_series
        shift_all = shift
    else:
        for name, value in fields.items():
            setattr(series, name, value)
        if duration is not None:
            series.duration = duration
        if shift:
            series.first_start = _shift_local(series.first_start, shift)
        series.save()
        if hosts is not None:
            series.hosts.set(list(hosts))
        if shift:
            for occurrence in Event.objects.filter(series=series):
                occurrence.recurrence_id = _shift_local(occurrence.recurrence_id or occurrence.start, shift)
                occurrence.save(update_fields=["recurrence_id"])
        shift_all = shift
    changed_events = []
    for occurrence in Event.objects.filter(series=series, start__gte=now).exclude(status=Status.CANCELLED):
        if occurrence.is_override and scope == "all":
            continue
        new_start = _shift_local(occurrence.start, shift_all)
        new_end = new_start + (duration if duration is not None else occurrence.end - occurrence.start)
        update = {**fields}
        if new_start != occurrence.start or new_end != occurrence.end:
            update |= {"start": new_start, "end": new_end}
        if update or hosts is not None:
            changed_events.append(update_event(actor=actor, event=occurrence, hosts=hosts, **update))
            Event.objects.filter(pk=occurrence.pk).update(is_override=False)
    return changed_events


def _shift_local(value: dt.datetime, shift: dt.timedelta) -> dt.datetime:
    """Shift a datetime by `shift` in local wall time (18:00 + 30 min = 18:30 on either side of a clock
    change)."""
    if not shift:
        return value
    naive = timezone.localtime(value, recurrence.PARIS).replace(tzinfo=None) + shift
    return recurrence.localise(naive)


@transaction.atomic
def rotate_hosts(*, actor: Actor, series: Series, hosts: Sequence[Structure]) -> None:
    """Host the series' occurrences in turn: each date by the next structure of `hosts`, in its premises
    (« Locaux de … », its commune). The dates stay occurrences of the series (not overrides)."""
    permissions.require(actor, permissions.ANIMATE_AGENDA, series.territory)
    if not hosts:
        return
    _check_hosts(series.territory, hosts)
    for index, event in enumerate(Event.objects.filter(series=series).order_by("start")):
        host = hosts[index % len(hosts)]
        event.hosts.set([host])
        event.venue = f"Locaux de {host.name}"[:200]
        if host.commune_id:
            event.commune_id = host.commune_id
        event.save(update_fields=["venue", "commune", "updated_at"])
    calendars.forget_version(series.territory_id)
