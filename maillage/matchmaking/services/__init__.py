"""Every write of the speed-meetings."""

from maillage.matchmaking.services.exchanges import (
    confirm_exchange,
    create_campaign,
    decline_exchange,
    form_pairs,
    moderate_testimony,
    register_volunteer,
    save_volunteer_wishes,
    submit_testimony,
    transition_campaign,
    withdraw_volunteer,
)
from maillage.matchmaking.services.followups import record_follow_up
from maillage.matchmaking.services.meetings import (
    add_must_meet,
    add_pin,
    create_speed_meeting,
    remove_pin,
    save_pitch,
    set_availability,
    swap_meetings,
    sync_participants,
    transition_meeting,
    withdraw_participant,
)
from maillage.matchmaking.services.privacy import erase_person, export_person
from maillage.matchmaking.services.runs import execute_run, request_run
from maillage.matchmaking.services.wishes import save_wishes

__all__ = [
    "confirm_exchange",
    "create_campaign",
    "decline_exchange",
    "form_pairs",
    "moderate_testimony",
    "register_volunteer",
    "save_volunteer_wishes",
    "submit_testimony",
    "transition_campaign",
    "withdraw_volunteer",
    "add_must_meet",
    "add_pin",
    "create_speed_meeting",
    "erase_person",
    "execute_run",
    "export_person",
    "record_follow_up",
    "remove_pin",
    "swap_meetings",
    "request_run",
    "save_pitch",
    "save_wishes",
    "set_availability",
    "sync_participants",
    "transition_meeting",
    "withdraw_participant",
]
