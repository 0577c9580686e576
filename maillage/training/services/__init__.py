"""Every write of the training module: keyword-only `verb_noun(*, actor, ...)` functions, one transaction
each. `census` (campaigns, themes, questions, answers, reminders), `sessions` (collective sessions through
the events services), `office_hours` (advisers, slots, bookings), `support`, `resources`, `privacy`."""

from maillage.training.services.census import (
    close_due_censuses,
    create_census,
    delete_theme,
    is_answerable,
    move_census,
    remind_due_censuses,
    save_question,
    save_theme,
    send_census_reminders,
    structures_without_answer,
    submit_response,
    visible_questions,
)
from maillage.training.services.common import (
    CANCEL_PURPOSE,
    KIND_BOOKING,
    KIND_BOOKING_CANCELLED,
    KIND_BOOKING_REMINDER,
    KIND_CENSUS,
    KIND_SESSION,
)
from maillage.training.services.office_hours import (
    CANCEL_MAX_AGE,
    book_slot,
    cancel_booking,
    cancel_link,
    delete_slot,
    materialise_all,
    materialise_slots,
    name_adviser,
    publish_office_hours,
    send_booking_reminders,
    when,
)
from maillage.training.services.privacy import erase_person, export_person
from maillage.training.services.resources import add_resource, delete_resource
from maillage.training.services.sessions import (
    create_collective_session,
    interested_structures,
    is_priority_phase,
    open_due_sessions,
    open_public_registration,
    register_invited,
)
from maillage.training.services.support import delete_support, record_support

__all__ = [
    "CANCEL_MAX_AGE",
    "CANCEL_PURPOSE",
    "KIND_BOOKING",
    "KIND_BOOKING_CANCELLED",
    "KIND_BOOKING_REMINDER",
    "KIND_CENSUS",
    "KIND_SESSION",
    "add_resource",
    "book_slot",
    "cancel_booking",
    "cancel_link",
    "close_due_censuses",
    "create_census",
    "create_collective_session",
    "delete_resource",
    "delete_slot",
    "delete_support",
    "delete_theme",
    "erase_person",
    "export_person",
    "interested_structures",
    "is_answerable",
    "is_priority_phase",
    "materialise_all",
    "materialise_slots",
    "move_census",
    "name_adviser",
    "open_due_sessions",
    "open_public_registration",
    "publish_office_hours",
    "record_support",
    "register_invited",
    "remind_due_censuses",
    "save_question",
    "save_theme",
    "send_booking_reminders",
    "send_census_reminders",
    "structures_without_answer",
    "submit_response",
    "visible_questions",
    "when",
]
