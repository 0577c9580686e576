"""Page contexts of the speed-meetings."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils import timezone

from maillage.events.models import Registration
from maillage.matchmaking.models import FollowUp, Participant, Run, Slot, SpeedMeeting

LEVEL_LABELS = {
    "wishes": "Vœux satisfaits (pondérés)",
    "fairness": "Équité (rencontres de la personne la moins servie)",
    "meetings": "Rencontres au total",
}


def own_participant(meeting: SpeedMeeting, user: Any) -> Participant | None:
    if user is None or not user.is_authenticated:
        return None
    return meeting.participants.filter(user=user, withdrawn=False).first()


def current_run(meeting: SpeedMeeting) -> Run | None:
    return meeting.runs.filter(is_current=True).first()


def side_label(meeting: SpeedMeeting, side: str) -> str:
    return {"a": meeting.side_a, "b": meeting.side_b}.get(side, "Participants")


def wishes_context(participant: Participant) -> dict[str, Any]:
    meeting = participant.meeting
    others = (
        meeting.participants.filter(withdrawn=False).exclude(pk=participant.pk).select_related("structure")
    )
    if meeting.two_sided:
        others = others.exclude(side=participant.side)
    prefs = {p.target_id: p for p in participant.preferences.all()}
    rows = [
        {
            "participant": other,
            "rank": prefs[other.pk].rank if other.pk in prefs and not prefs[other.pk].refused else None,
            "refused": other.pk in prefs and prefs[other.pk].refused,
        }
        for other in others
    ]
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["participant"].label))
    return {"rows": rows, "ranked": sum(1 for r in rows if r["rank"])}


def agenda(participant: Participant) -> list[dict[str, Any]]:
    meeting = participant.meeting
    run = current_run(meeting)
    if run is None:
        return []
    wished = set(participant.preferences.filter(refused=False).values_list("target_id", flat=True))
    slots = run.slots.filter(a=participant) | run.slots.filter(b=participant)
    by_round = {s.round: s for s in slots.select_related("a", "b")}
    outcomes = dict(
        FollowUp.objects.filter(author=participant, slot__run=run).values_list("slot_id", "outcome")
    )
    rows = []
    for index in range(1, meeting.rounds + 1):
        slot = by_round.get(index)
        partner = None if slot is None else (slot.b if slot.a_id == participant.pk else slot.a)
        rows.append(
            {
                "round": index,
                "start": meeting.round_start(index - 1),
                "end": meeting.round_end(index - 1),
                "slot": slot,
                "partner": partner,
                "table": meeting.table_label(slot.table - 1) if slot else "",
                "wished": partner is not None and partner.pk in wished,
                "outcome": outcomes.get(slot.pk, "") if slot else "",
            }
        )
    return rows


def table_plan(meeting: SpeedMeeting, run: Run) -> list[dict[str, Any]]:
    cells: dict[tuple[int, int], Slot] = {(s.round, s.table): s for s in run.slots.select_related("a", "b")}
    return [
        {
            "round": r,
            "start": meeting.round_start(r - 1),
            "cells": [cells.get((r, t)) for t in range(1, meeting.tables + 1)],
        }
        for r in range(1, meeting.rounds + 1)
    ]


def tables(meeting: SpeedMeeting) -> list[str]:
    return [meeting.table_label(i) for i in range(meeting.tables)]


def current_round(meeting: SpeedMeeting, now: dt.datetime | None = None) -> int | None:
    """The round under way (from 1), or None before the first and after the last."""
    now = now or timezone.now()
    for index in range(meeting.rounds):
        if (
            meeting.round_start(index)
            <= now
            < meeting.round_start(index) + dt.timedelta(minutes=meeting.round_minutes + meeting.break_minutes)
        ):
            return index + 1
    return None


def live_context(meeting: SpeedMeeting, round_param: str | None = None) -> dict[str, Any]:
    run = current_run(meeting)
    live = current_round(meeting)
    shown = live
    if round_param and round_param.isdigit() and 1 <= int(round_param) <= meeting.rounds:
        shown = int(round_param)
    slots = list(run.slots.filter(round=shown).select_related("a", "b")) if run and shown else []
    return {
        "run": run,
        "live_round": live,
        "shown_round": shown,
        "rows": [{"table": meeting.table_label(s.table - 1), "slot": s} for s in slots],
        "rounds": range(1, meeting.rounds + 1),
        "starts": meeting.round_start(shown - 1) if shown else None,
    }


def organiser_context(meeting: SpeedMeeting) -> dict[str, Any]:
    participants = list(meeting.participants.select_related("structure"))
    wish_counts: dict[int, int] = defaultdict(int)
    from_prefs = meeting.participants.filter(preferences__refused=False).values_list("pk", flat=True)
    for pk in from_prefs:
        wish_counts[pk] += 1
    run = current_run(meeting)
    runs = list(meeting.runs.all()[:10])
    known = {p.registration_id for p in participants if p.registration_id}
    active_registrations = Registration.objects.filter(
        event=meeting.event, state=Registration.State.REGISTERED
    ).order_by("name", "pk")
    # registered to the event since the last « Reprendre les inscriptions »: their side is still to choose
    new_registrations = [r for r in active_registrations if r.pk not in known]
    return {
        "participants": participants,
        "new_registrations": new_registrations,
        "active": [p for p in participants if not p.withdrawn],
        "wish_counts": wish_counts,
        "run": run,
        "runs": runs,
        "latest": runs[0] if runs else None,
        "pins": list(meeting.pins.select_related("a", "b")),
        "must_meet": list(meeting.must_meet.select_related("a", "b")),
        "level_labels": LEVEL_LABELS,
    }


def per_participant_wishes(run: Run) -> list[dict[str, Any]]:
    meeting = run.meeting
    slots = list(run.slots.all())
    partners: dict[int, set[int]] = defaultdict(set)
    for s in slots:
        partners[s.a_id].add(s.b_id)
        partners[s.b_id].add(s.a_id)
    rows = []
    for p in meeting.participants.filter(withdrawn=False).prefetch_related("preferences"):
        wished = {pref.target_id for pref in p.preferences.all() if not pref.refused}
        rows.append(
            {
                "participant": p,
                "met": len(wished & partners[p.pk]),
                "made": len(wished),
                "meetings": len(partners[p.pk]),
            }
        )
    return rows
