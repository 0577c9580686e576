"""Every write of the agenda: keyword-only `verb_noun(*, actor, ...)` functions, one transaction each.

A package by use case: `events` (create, change, the event's machine), `registrations` (seats, waitlist,
confirmation and cancellation links), `series` (recurring events), `paperwork` (check-in, messages, reports,
photos, reminders), `campaigns`, `personal_data`; `common` holds the shared checks and mails. Callers import
from here (`from maillage.events import services`; `services.register_account(...)`).

Registrants with an account are told through the notification centre (`common.tell` → `notify()`, kinds
`KIND_*`, registered in module.py); registrations by address alone get a direct `send_mail_on_commit`
(after the transaction commits; a rollback sends nothing).
Registrations lock the event row (`core.db.lock_row`: SELECT … FOR UPDATE on PostgreSQL, the IMMEDIATE
transaction's write lock on SQLite) while seats are counted, so an event is never overbooked and the
waitlist's `sequence` follows commit order without gaps.
"""

from maillage.events.services.campaigns import create_campaign, validate_campaign_event
from maillage.events.services.common import (
    CANCEL_MAX_AGE,
    CANCEL_PURPOSE,
    CONFIRM_MAX_AGE,
    CONFIRM_PURPOSE,
    EVENT_FIELDS,
    FULL,
    HELD,
    HOLD,
    KIND_CHANGED,
    KIND_MESSAGE,
    KIND_REGISTRATION,
    KIND_REMINDER,
    KIND_WAITLIST,
    NOTIFY_FIELDS,
    SERIES_FIELDS,
    RegistrationError,
    cancel_url,
    seats_left,
    seats_taken,
    when_label,
)
from maillage.events.services.events import change_status, create_event, move_event, update_event
from maillage.events.services.paperwork import (
    REMINDER_SETTING,
    add_photo,
    check_in,
    reminder_delay,
    save_report,
    send_message,
    send_reminders,
)
from maillage.events.services.personal_data import erase_person, expire_registrations, export_person
from maillage.events.services.registrations import (
    BY_MAIL_LINK,
    cancel_registration,
    confirm_registration,
    record_registration,
    register_account,
    release_expired_holds,
    request_registration,
    send_registration_mail,
)
from maillage.events.services.series import (
    create_series,
    edit_occurrences,
    materialise_all_series,
    materialise_series,
    rotate_hosts,
    rule_end_before,
)

__all__ = [
    "BY_MAIL_LINK",
    "move_event",
    "record_registration",
    "rotate_hosts",
    "CANCEL_MAX_AGE",
    "CANCEL_PURPOSE",
    "CONFIRM_MAX_AGE",
    "CONFIRM_PURPOSE",
    "EVENT_FIELDS",
    "FULL",
    "HELD",
    "HOLD",
    "KIND_CHANGED",
    "KIND_MESSAGE",
    "KIND_REGISTRATION",
    "KIND_REMINDER",
    "KIND_WAITLIST",
    "NOTIFY_FIELDS",
    "REMINDER_SETTING",
    "SERIES_FIELDS",
    "RegistrationError",
    "add_photo",
    "cancel_registration",
    "cancel_url",
    "change_status",
    "check_in",
    "confirm_registration",
    "create_campaign",
    "create_event",
    "create_series",
    "edit_occurrences",
    "erase_person",
    "expire_registrations",
    "export_person",
    "materialise_all_series",
    "materialise_series",
    "register_account",
    "release_expired_holds",
    "reminder_delay",
    "request_registration",
    "send_registration_mail",
    "rule_end_before",
    "save_report",
    "seats_left",
    "seats_taken",
    "send_message",
    "send_reminders",
    "update_event",
    "validate_campaign_event",
    "when_label",
]
