"""The organiser's writes: the speed-meeting, its participants (from the event's registrations), their
availability, must-meet pairs and pins."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from maillage.core.actors import Actor
from maillage.core.machines import log_creation, transition
from maillage.events.models import Event, Registration
from maillage.matchmaking.models import MeetingStatus, MustMeet, Participant, Pin, Run, Slot, SpeedMeeting
from maillage.matchmaking.permissions import require_animator, require_participant
from maillage.notifications.services import notify

WISHES_OPEN = "matchmaking_wishes_open"
SCHEDULE_PUBLISHED = "matchmaking_schedule_published"
MAX_TIME_LIMIT = 300  # seconds: the task's worker is not held longer


@transaction.atomic
def create_speed_meeting(
    *,
    actor: Actor,
    event: Event,
    title: str,
    wishes_deadline: dt.datetime,
    side_a: str = "Structures d'insertion",
    side_b: str = "Entreprises",
    rounds: int = 8,
    round_minutes: int = 7,
    break_minutes: int = 2,
    tables: int = 10,
    table_names: str = "",
    time_limit: int = 10,
) -> SpeedMeeting:
    require_animator(actor, event.territory)
    errors = {}
    if not title.strip():
        errors["title"] = "Donnez un titre au speed-meeting."
    if rounds < 1:
        errors["rounds"] = "Il faut au moins un tour."
    if tables < 1:
        errors["tables"] = "Il faut au moins une table."
    if round_minutes < 1:
        errors["round_minutes"] = "Un tour dure au moins une minute."
    if not 1 <= time_limit <= MAX_TIME_LIMIT:
        errors["time_limit"] = f"Le calcul dure de 1 à {MAX_TIME_LIMIT} secondes."
    if wishes_deadline > event.start:
        errors["wishes_deadline"] = "La date limite des vœux doit précéder le rendez-vous."
    if errors:
        raise ValidationError(errors)
    meeting = SpeedMeeting.objects.create(
        territory=event.territory,
        event=event,
        title=title.strip(),
        side_a=side_a.strip(),
        side_b=side_b.strip(),
        rounds=rounds,
        round_minutes=round_minutes,
        break_minutes=break_minutes,
        tables=tables,
        table_names=table_names,
        wishes_deadline=wishes_deadline,
        time_limit=time_limit,
    )
    log_creation(meeting, actor=actor)
    return meeting


@transaction.atomic
def transition_meeting(*, actor: Actor, meeting: SpeedMeeting, to: str, note: str = "") -> SpeedMeeting:
    require_animator(actor, meeting.territory)
    if to == MeetingStatus.SCHEDULED and not meeting.runs.filter(is_current=True).exists():
        raise ValidationError("Calculez d'abord un planning avant de le publier.")
    moved = transition(meeting, to, actor=actor, note=note)
    if to in (MeetingStatus.OPEN, MeetingStatus.SCHEDULED):
        _tell_participants(meeting, to, actor=actor)
    return moved


def _tell_participants(meeting: SpeedMeeting, to: str, *, actor: Actor) -> None:
    """Participants with an account hear that wishes are open, or that their agenda is published."""
    recipients = [
        p.user for p in meeting.participants.filter(withdrawn=False, user__isnull=False) if p.user is not None
    ]
    if not recipients:
        return
    if to == MeetingStatus.OPEN:
        kind, url = WISHES_OPEN, reverse("matchmaking:wishes", kwargs={"pk": meeting.pk})
        title = f"{meeting.title} : dites qui vous souhaitez rencontrer"
    else:
        kind, url = SCHEDULE_PUBLISHED, reverse("matchmaking:agenda", kwargs={"pk": meeting.pk})
        title = f"{meeting.title} : votre planning de rencontres est prêt"
    notify(kind=kind, territory=meeting.territory, recipients=recipients, title=title, url=url, actor=actor)


@transaction.atomic
def sync_participants(*, actor: Actor, meeting: SpeedMeeting, sides: dict[int, str] | None = None) -> int:
    """Make a participant of every active registration of the event (structure + person); `sides` maps a
    registration id to its side (« a » or « b »). Registrations cancelled since withdraw their participant.
    Returns the number of participants added."""
    require_animator(actor, meeting.territory)
    sides = sides or {}
    added = 0
    active = Registration.objects.filter(event=meeting.event, state=Registration.State.REGISTERED)
    known = {p.registration_id: p for p in meeting.participants.all() if p.registration_id}
    for registration in active.select_related("structure"):
        participant = known.get(registration.pk)
        side = sides.get(registration.pk) or (participant.side if participant else "")
        if not meeting.two_sided:
            side = ""
        elif side not in ("a", "b"):
            # never a silent default: a whole room on one side could not meet anybody
            raise ValidationError(
                f"Choisissez le côté de {registration.name} (« {meeting.side_a} » ou « {meeting.side_b} »)."
            )
        if participant is None:
            Participant.objects.create(
                meeting=meeting,
                registration=registration,
                user=registration.user,
                name=registration.name,
                structure=registration.structure,
                structure_name=registration.structure_name,
                side=side,
                last_round=meeting.rounds,
            )
            added += 1
        elif participant.side != side:
            participant.side = side
            participant.save(update_fields=["side"])
    active_ids = set(active.values_list("pk", flat=True))
    for registration_id, participant in known.items():
        if registration_id not in active_ids and not participant.withdrawn:
            participant.withdrawn = True
            participant.save(update_fields=["withdrawn"])
    return added


@transaction.atomic
def set_availability(
    *, actor: Actor, participant: Participant, first_round: int, last_round: int
) -> Participant:
    require_participant(actor, participant)
    rounds = participant.meeting.rounds
    if not 1 <= first_round <= last_round <= rounds:
        raise ValidationError(
            f"Indiquez des tours entre 1 et {rounds}, le tour d'arrivée avant celui du départ."
        )
    participant.first_round = first_round
    participant.last_round = last_round
    participant.save(update_fields=["first_round", "last_round"])
    return participant


@transaction.atomic
def save_pitch(*, actor: Actor, participant: Participant, pitch: str) -> Participant:
    """What the participant offers and looks for, shown to the other side when they rank their wishes."""
    require_participant(actor, participant)
    if len(pitch) > 1000:
        raise ValidationError("Présentez-vous en 1 000 caractères au plus.")
    participant.pitch = pitch.strip()
    participant.save(update_fields=["pitch"])
    return participant


@transaction.atomic
def withdraw_participant(*, actor: Actor, participant: Participant) -> Participant:
    require_participant(actor, participant)
    participant.withdrawn = True
    participant.save(update_fields=["withdrawn"])
    return participant


def _pair_check(meeting: SpeedMeeting, a: Participant, b: Participant) -> None:
    if a.meeting_id != meeting.pk or b.meeting_id != meeting.pk:
        raise ValidationError("Ces personnes ne participent pas à ce speed-meeting.")
    if a.pk == b.pk:
        raise ValidationError("Choisissez deux participants différents.")
    if a.withdrawn or b.withdrawn:
        raise ValidationError("L'un des deux participants s'est désisté.")
    if meeting.two_sided and a.side == b.side:
        raise ValidationError(f"{a.label} et {b.label} sont du même côté : ils ne se rencontrent pas.")


@transaction.atomic
def add_must_meet(*, actor: Actor, meeting: SpeedMeeting, a: Participant, b: Participant) -> MustMeet:
    require_animator(actor, meeting.territory)
    _pair_check(meeting, a, b)
    if meeting.must_meet.filter(a__in=[a, b], b__in=[a, b]).exists():
        raise ValidationError(f"{a.label} et {b.label} doivent déjà se rencontrer.")
    return MustMeet.objects.create(meeting=meeting, a=a, b=b)


@transaction.atomic
def add_pin(
    *,
    actor: Actor,
    meeting: SpeedMeeting,
    a: Participant,
    b: Participant,
    round: int,
    table: int | None = None,
) -> Pin:
    """Fix a meeting by hand (the next run keeps it). Whether it fits is the scheduler's to say: a pin that
    breaks a constraint makes the next run fail with a French message, the schedule in force stays."""
    require_animator(actor, meeting.territory)
    _pair_check(meeting, a, b)
    if not 1 <= round <= meeting.rounds:
        raise ValidationError(f"Choisissez un tour entre 1 et {meeting.rounds}.")
    if table is not None and not 1 <= table <= meeting.tables:
        raise ValidationError(f"Choisissez une table entre 1 et {meeting.tables}.")
    meeting.pins.filter(a__in=[a, b], b__in=[a, b]).delete()
    return Pin.objects.create(meeting=meeting, a=a, b=b, round=round, table=table)


@transaction.atomic
def remove_pin(*, actor: Actor, pin: Pin) -> None:
    require_animator(actor, pin.meeting.territory)
    pin.delete()


@transaction.atomic
def swap_meetings(*, actor: Actor, meeting: SpeedMeeting, first: Slot, second: Slot) -> tuple[Pin, Pin]:
    """Swap two meetings of the schedule in force: each is pinned at the other's round and table; the next run
    builds the rest around them (or says in French what the swap breaks, the schedule in force staying)."""
    require_animator(actor, meeting.territory)
    if first.pk == second.pk:
        raise ValidationError("Choisissez deux rencontres différentes à échanger.")
    in_force = Run.objects.filter(pk=first.run_id, meeting=meeting, is_current=True).exists()
    if first.run_id != second.run_id or not in_force:
        raise ValidationError("Choisissez deux rencontres du planning en vigueur.")
    if (first.round, first.table) == (second.round, second.table):
        raise ValidationError("Ces deux rencontres ont déjà la même place.")
    return (
        add_pin(actor=actor, meeting=meeting, a=first.a, b=first.b, round=second.round, table=second.table),
        add_pin(actor=actor, meeting=meeting, a=second.a, b=second.b, round=first.round, table=first.table),
    )
