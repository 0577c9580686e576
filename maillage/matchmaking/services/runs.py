"""Running the scheduler: a run is requested (queued, then a django-tasks task), executed (the pure
scheduler reads a snapshot of the input; a short transaction writes its meetings), and becomes the
schedule in force — or fails with French messages, the previous schedule staying in force."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from maillage.core.actors import Actor, user_of
from maillage.core.machines import log_creation, transition
from maillage.core.tasks import enqueue_with_transaction
from maillage.matchmaking.models import Run, RunStatus, Slot, SpeedMeeting
from maillage.matchmaking.permissions import require_animator
from maillage.matchmaking.scheduler import (
    Person,
    Pin,
    Problem,
    ScheduleConflict,
    SolverSettings,
    greedy,
    solve,
)

RUN_TASK = "maillage.matchmaking.tasks.run_scheduler_task"


@transaction.atomic
def request_run(*, actor: Actor, meeting: SpeedMeeting) -> Run:
    require_animator(actor, meeting.territory)
    run = Run.objects.create(meeting=meeting, requested_by=user_of(actor))
    log_creation(run, actor=actor)
    enqueue_with_transaction(RUN_TASK, run.pk)
    return run


def build_problem(meeting: SpeedMeeting) -> Problem:
    """The scheduler's input from the database (rounds and tables from 0 there)."""
    participants = list(meeting.participants.filter(withdrawn=False))
    people = [
        Person(
            key=p.pk,
            label=p.label,
            side=p.side if meeting.two_sided else "",
            rounds=frozenset(range(max(p.first_round, 1) - 1, min(p.last_round, meeting.rounds))),
        )
        for p in participants
    ]
    wishes: dict[int, list[int]] = {}
    refusals: set[tuple[int, int]] = set()
    for p in participants:
        prefs = list(p.preferences.all())
        wishes[p.pk] = [pref.target_id for pref in prefs if not pref.refused and pref.rank]
        refusals |= {(p.pk, pref.target_id) for pref in prefs if pref.refused}
    return Problem(
        people=people,
        rounds=meeting.rounds,
        tables=meeting.tables,
        wishes=wishes,
        refusals=refusals,
        must_meet=[(m.a_id, m.b_id) for m in meeting.must_meet.all()],
        pins=[
            Pin(
                a=pin.a_id,
                b=pin.b_id,
                round=pin.round - 1,
                table=None if pin.table is None else pin.table - 1,
            )
            for pin in meeting.pins.all()
        ],
    )


def execute_run(*, actor: Actor, run: Run) -> Run:
    """Solve outside any transaction, then write the result in one short transaction. A run already taken
    (the task delivered twice, or run at once by the demo) is left as it is."""
    run.refresh_from_db(fields=["status"])
    if run.status != RunStatus.QUEUED:
        return run
    transition(run, RunStatus.RUNNING, actor=actor)
    meeting = run.meeting
    problem = build_problem(meeting)
    try:
        schedule = solve(problem, SolverSettings(time_limit=float(meeting.time_limit)))
    except ScheduleConflict as conflict:
        with transaction.atomic():
            transition(
                run,
                RunStatus.FAILED,
                actor=actor,
                note="; ".join(conflict.messages)[:500],
                also={"messages": conflict.messages, "finished_at": timezone.now()},
            )
        return run
    baseline, values, complete = greedy(problem)
    with transaction.atomic():
        Run.objects.filter(meeting=meeting, is_current=True).update(is_current=False)
        Slot.objects.bulk_create(
            Slot(run=run, a_id=m.a, b_id=m.b, round=m.round + 1, table=m.table + 1) for m in schedule.meetings
        )
        transition(
            run,
            RunStatus.DONE,
            actor=actor,
            also={
                "is_current": True,
                "method": schedule.method,
                "levels": [
                    {
                        "name": lv.name,
                        "value": lv.value,
                        "bound": lv.bound,
                        "optimal": lv.optimal,
                        "gap": lv.gap,
                    }
                    for lv in schedule.levels
                ],
                "greedy": {
                    "wishes": values[0],
                    "fairness": values[1],
                    "meetings": values[2],
                    "wishes_met": baseline.wishes_met,
                    "complete": complete,
                },
                "wishes_met": schedule.wishes_met,
                "wishes_total": schedule.wishes_total,
                "seconds": schedule.seconds,
                "finished_at": timezone.now(),
            },
        )
    return run
