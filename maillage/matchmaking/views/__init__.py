from maillage.matchmaking.views.organiser import (
    create,
    manage,
    must_meet,
    name_tags,
    pin,
    run_request,
    run_status,
    swap,
    table_plan,
    unpin,
)
from maillage.matchmaking.views.participant import (
    agenda,
    agenda_ics,
    agenda_pdf,
    availability,
    follow_up,
    wishes,
)
from maillage.matchmaking.views.public import detail, home, live, live_fragment

__all__ = [
    "agenda",
    "agenda_ics",
    "agenda_pdf",
    "availability",
    "create",
    "detail",
    "follow_up",
    "home",
    "live",
    "live_fragment",
    "manage",
    "must_meet",
    "name_tags",
    "pin",
    "run_request",
    "run_status",
    "swap",
    "table_plan",
    "unpin",
    "wishes",
]
