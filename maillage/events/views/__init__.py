"""The agenda's views, a package by use case (thin: fetch through a scoped queryset, call one service,
render; page contexts come from `events.selectors`). `urls.py` reads them from here."""

from maillage.events.views.agenda import (
    agenda,
    detail,
    event_ics,
    feed,
    markers,
    month,
    programme,
    programme_pdf,
)
from maillage.events.views.campaigns import campaign, campaign_validate, propose
from maillage.events.views.checkin import checkin
from maillage.events.views.organiser import (
    attestation,
    change_status,
    create,
    edit,
    export,
    manage,
    message,
    occurrence_edit,
    report,
    series_create,
    signin_sheet,
)
from maillage.events.views.registration import (
    CancelRegistrationLinkView,
    ConfirmRegistrationView,
    register,
    unregister,
)

__all__ = [
    "CancelRegistrationLinkView",
    "ConfirmRegistrationView",
    "agenda",
    "attestation",
    "campaign",
    "campaign_validate",
    "change_status",
    "checkin",
    "create",
    "detail",
    "edit",
    "event_ics",
    "export",
    "feed",
    "manage",
    "markers",
    "message",
    "month",
    "occurrence_edit",
    "programme",
    "programme_pdf",
    "propose",
    "register",
    "report",
    "series_create",
    "signin_sheet",
    "unregister",
]
